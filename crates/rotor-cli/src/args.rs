//! Raw command-line arguments as clap parses them. Validation into resolved settings
//! happens in the command modules, so every flag error names the flag and what it takes.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// rotor — China A-share ETF / index rotation research engine.
#[derive(Debug, Parser)]
#[command(name = "rotor", version, about, long_about = None)]
pub struct Cli {
    /// No progress bars or summaries on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print machine-readable JSON on stdout instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum Command {
    /// Import, check and inspect data in a store.
    #[command(subcommand)]
    Data(DataCmd),
    /// Write a deterministic synthetic market (every dataset) into a store.
    Sim(SimArgs),
    /// Synthesize the default market and run everything that exists on it.
    Demo(DemoArgs),
    /// Evaluate a factor against prices: IC / RankIC, quantile returns, long-short,
    /// turnover (long files `date, asset, value`, CSV or Parquet).
    Eval(EvalArgs),
    /// The money + credit regime timeline (SPEC §1) and the current state.
    Regime(RegimeArgs),
    /// Run a rotation strategy file end to end and write a run folder.
    Backtest(RunArgs),
    /// This period's ranked list with each family's score, as of a date.
    Recommend(RecommendArgs),
    /// Run a parameter grid in parallel and write a table plus heatmap-ready CSVs.
    Sweep(SweepArgs),
    /// Estimate the Barra-style risk model of the store's stocks: style exposures, daily
    /// factor returns, specific returns, regression weights, and a report.
    Risk(RiskArgs),
    /// The long-short "theoretical limit" of an index (SPEC §12): each month, its
    /// point-in-time members sorted by realised return, top minus bottom decile.
    Limit(LimitArgs),
    /// Fund analytics: rolling alpha of active funds, yearly excess of enhanced-index funds.
    #[command(subcommand)]
    Funds(FundsCmd),
    /// Research text tools: classify, summarise and extract from fund and research
    /// text with an OpenAI-compatible endpoint or fully offline; answers cached.
    #[command(subcommand)]
    Text(TextCmd),
    /// AI stock selection inputs: the feature library and labels of the store's stocks.
    #[command(subcommand)]
    Ml(MlCmd),
}

/// `rotor ml …`
#[derive(Debug, Subcommand)]
pub enum MlCmd {
    /// Compute the price-volume features (Alpha158-style, standardised per day) and the
    /// rank-normalised forward-return labels; write features.parquet and labels.parquet.
    Features(MlFeaturesArgs),
    /// Walk-forward GBDT and GRU training (and their ensemble) on the features and labels of a job file: predictions
    /// (date, asset, model, value), the windows, the out-of-sample RankIC; models cached
    /// in `<out>/models` so an interrupted run resumes.
    Train(MlFeaturesArgs),
    /// Score a features file with a LightGBM model trained elsewhere (Booster.save_model
    /// text); writes predictions.parquet (date, asset, model, value).
    Predict(MlPredictArgs),
}

/// `rotor ml predict`
#[derive(Debug, Args)]
pub struct MlPredictArgs {
    /// LightGBM model text file.
    #[arg(long)]
    pub model: PathBuf,
    /// Long features file (date, asset, one column per model feature), as `rotor ml
    /// features` writes it.
    #[arg(long)]
    pub features: PathBuf,
    /// Output Parquet file.
    #[arg(long)]
    pub out: PathBuf,
    /// The model's name in the `model` column.
    #[arg(long, default_value = "lightgbm")]
    pub name: String,
}

/// `rotor ml features`
#[derive(Debug, Args)]
pub struct MlFeaturesArgs {
    /// Job file (TOML: store, start, end, horizon, windows, universe; `rotor ml train`
    /// also reads retrain_months, train_years, iterations, learning_rate, max_leaves).
    #[arg(long)]
    pub config: PathBuf,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Store folder (overrides the job file's).
    #[arg(long)]
    pub store: Option<PathBuf>,
}

/// `rotor text …`
#[derive(Debug, Subcommand)]
pub enum TextCmd {
    /// One label per text (labels.csv); agreement with a reference column and the
    /// share of each label per period when asked.
    Classify(TextRunArgs),
    /// A short summary per text (summaries.csv).
    Summarise(TextRunArgs),
    /// Rows of a table per text, e.g. concept → industry → stock chains (rows.csv).
    Extract(TextRunArgs),
    /// Train the offline n-gram classifier for a classify task on labelled texts,
    /// holding out a test split (grouped by text) and scoring on it.
    Train(TextTrainArgs),
    /// Build an `id, text, …` table from the text files of the data bundle.
    Corpus(TextCorpusArgs),
    /// List the built-in tasks, or write their TOML files for editing.
    Tasks(TextTasksArgs),
}

/// The backends of `rotor text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextBackendArg {
    /// No network: n-gram classifier / cue rule, extractive summariser, lexicon extractor.
    Offline,
    /// An OpenAI-compatible chat endpoint ([llm] in --config, ROTOR_LLM_* variables).
    Openai,
}

/// `rotor text classify|summarise|extract`
#[derive(Debug, Args)]
pub struct TextRunArgs {
    /// Input table (CSV, Parquet, XLSX, JSON) with an id and a text column.
    #[arg(long)]
    pub input: PathBuf,
    /// A built-in task name (`rotor text tasks`) or a task .toml file.
    #[arg(long)]
    pub task: String,
    /// Which backend answers.
    #[arg(long, value_enum, default_value_t = TextBackendArg::Offline)]
    pub backend: TextBackendArg,
    /// Offline: an n-gram model made by `rotor text train` (classify).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// TOML file with an [llm] table (base_url, model, api_key_env, timeout_secs,
    /// max_retries, concurrency, json_mode …).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Offline extract: a CSV of stock code and name (columns code, name) to find
    /// stocks named in the text.
    #[arg(long)]
    pub stocks: Option<PathBuf>,
    /// Answer cache folder (default `.rotor-cache/text` in the working directory).
    #[arg(long)]
    pub cache: Option<PathBuf>,
    /// Ask the backend again for every text (the answers still refresh the cache).
    #[arg(long)]
    pub no_cache: bool,
    /// Id column.
    #[arg(long, default_value = "id")]
    pub id_column: String,
    /// Text column.
    #[arg(long, default_value = "text")]
    pub text_column: String,
    /// Classify: a column of reference labels to score the answers against.
    #[arg(long)]
    pub label_column: Option<String>,
    /// Classify: a period column (quarter, date) for the share-of-labels table.
    #[arg(long)]
    pub period_column: Option<String>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// `rotor text train`
#[derive(Debug, Args)]
pub struct TextTrainArgs {
    /// Labelled table with id, text and label columns.
    #[arg(long)]
    pub input: PathBuf,
    /// The classify task the model is for (its labels).
    #[arg(long)]
    pub task: String,
    /// Id column.
    #[arg(long, default_value = "id")]
    pub id_column: String,
    /// Text column.
    #[arg(long, default_value = "text")]
    pub text_column: String,
    /// Label column.
    #[arg(long, default_value = "label")]
    pub label_column: String,
    /// Share of texts held out for testing (grouped by identical text).
    #[arg(long, default_value_t = 0.3)]
    pub test_fraction: f64,
    /// Split and shuffle seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Weight classes by N / (K · N_k).
    #[arg(long)]
    pub balanced: bool,
    /// Longest character n-gram.
    #[arg(long, default_value_t = 3)]
    pub max_n: usize,
    /// Minimum number of training texts a gram must appear in.
    #[arg(long, default_value_t = 2)]
    pub min_df: usize,
    /// L2 penalty.
    #[arg(long, default_value_t = 1e-4)]
    pub l2: f64,
    /// Passes over the training texts.
    #[arg(long, default_value_t = 40)]
    pub epochs: usize,
    /// Output folder (model.json, holdout.csv, agreement.csv, confusion.csv).
    #[arg(long)]
    pub out: PathBuf,
}

/// Text sources of the data bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CorpusKind {
    /// `fund_nav_em/funds/*.json`: 投资目标 + 投资策略, with vendor type and reference style.
    FundProfiles,
    /// `enhanced_fund_pool/fund_detail_cache.parquet` (or fund_master): objective_raw.
    EnhancedPool,
    /// `tdsignal_staticdata/news_digest/*.json`: title + summary, period = date.
    NewsDigest,
}

/// `rotor text corpus`
#[derive(Debug, Args)]
pub struct TextCorpusArgs {
    /// Which source.
    #[arg(long, value_enum)]
    pub kind: CorpusKind,
    /// The folder or file.
    #[arg(long)]
    pub input: PathBuf,
    /// Keep only the ids listed in this CSV (its `fund`, `id` or `code` column), e.g.
    /// the basket.csv of `rotor funds rotation` to confirm the rotators from their text.
    #[arg(long)]
    pub only: Option<PathBuf>,
    /// Output CSV.
    #[arg(long)]
    pub out: PathBuf,
}

/// `rotor text tasks`
#[derive(Debug, Args)]
pub struct TextTasksArgs {
    /// Write the built-in task files into this folder.
    #[arg(long)]
    pub dump: Option<PathBuf>,
}

/// `rotor funds …`
#[derive(Debug, Subcommand)]
pub enum FundsCmd {
    /// Rolling 250-day alpha of each fund on market + style (+ sector) factor returns and
    /// the monthly median across funds (SPEC §13).
    Alpha(FundAlphaArgs),
    /// Yearly excess return of enhanced-index funds over their benchmarks, and the
    /// median per benchmark index (SPEC §14.1).
    Enhanced(FundEnhancedArgs),
    /// Style-rotating funds from successive holdings: active size / value rotation, its
    /// return, and the top-20 basket at each report (SPEC §16).
    Rotation(FundRotationArgs),
    /// Fund NAV files into the store as `fund` assets (unit NAV as close, a total-return
    /// index from the daily growth as tr_close), for strategies that hold funds.
    Import(FundImportArgs),
}

/// `rotor funds import`
#[derive(Debug, Args)]
pub struct FundImportArgs {
    /// Folder of NAV files `<code>.csv` (净值日期, 单位净值, 日增长率 [, 累计净值]).
    #[arg(long)]
    pub navs: Option<PathBuf>,
    /// Fund profiles into the `fund_info` dataset: a folder of `<code>.json` profiles
    /// (AKShare `fund_open_fund_info_em`: 基金代码, 基金类型, 基金公司, 成立时间,
    /// 业绩比较基准) or one table of funds (CSV / XLSX / Parquet / JSON; Tushare
    /// `fund_basic`, the enhanced-fund pool's `fund_master.parquet`).
    #[arg(long)]
    pub info: Option<PathBuf>,
    /// Fund holdings into the `fund_holdings` dataset: a folder of `<code>_<year>.csv`
    /// (AKShare `fund_portfolio_hold_em`: 股票代码, 占净值比例, 季度) or one table with a
    /// fund code column (Tushare `fund_portfolio`: ts_code, end_date, ann_date, symbol,
    /// stk_mkv_ratio).
    #[arg(long)]
    pub holdings: Option<PathBuf>,
    /// Store to import into (created when absent).
    #[arg(long)]
    pub store: PathBuf,
    /// Source label of the rows.
    #[arg(long, default_value = "eastmoney")]
    pub source: String,
}

/// `rotor funds rotation`
#[derive(Debug, Args)]
pub struct FundRotationArgs {
    /// Folder of holdings files `<code>_<year>.csv` (股票代码, 占净值比例, 季度), AKShare's
    /// `fund_portfolio_hold_em` layout; without it, the store's `fund_holdings` (each
    /// report's latest disclosure, dated by its publication).
    #[arg(long)]
    pub holdings: Option<PathBuf>,
    /// Store with the stocks (their exposures, returns and factor returns come from the
    /// risk model on it).
    #[arg(long)]
    pub store: PathBuf,
    /// Industry file for the risk model (as `rotor risk --industries`).
    #[arg(long)]
    pub industries: Option<PathBuf>,
    /// Funds in the basket.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// `rotor funds alpha`
#[derive(Debug, Args)]
pub struct FundAlphaArgs {
    /// Folder of NAV files `<code>.csv` (净值日期, 单位净值, 日增长率 [, 累计净值]);
    /// without it, the store's funds (`rotor funds import`).
    #[arg(long)]
    pub navs: Option<PathBuf>,
    /// Folder of fund profiles `<code>.json` (基金类型, 业绩比较基准), to pick fund types;
    /// without it, the store's `fund_info` when it has one.
    #[arg(long)]
    pub info: Option<PathBuf>,
    /// Fund types to include (基金类型; default: every type but 股票型-增强指数).
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// Daily style factor returns: wide (a date column and one column per factor, as
    /// vendor Barra files) or long (date, factor, value, as `rotor risk` writes).
    #[arg(long)]
    pub factors: PathBuf,
    /// Store with the market index's prices.
    #[arg(long)]
    pub store: PathBuf,
    /// Market index code (its daily return is the market factor).
    #[arg(long, default_value = "000985.SH")]
    pub market: String,
    /// Sector index codes for Model B (comma-separated); without them Model A.
    #[arg(long, value_delimiter = ',')]
    pub sectors: Vec<String>,
    /// Window and minimum days in it.
    #[arg(long, default_value_t = 250)]
    pub window: usize,
    /// Minimum days with returns in a window.
    #[arg(long, default_value_t = 200)]
    pub min_obs: usize,
    /// Count a fund in the median only while it is balanced (SPEC §13): its latest public
    /// full holdings (the store's `fund_holdings`) ≥ 60 % in stocks, no industry above
    /// 25 % of them (industries from `--industries`), at least a year old (`fund_info`).
    #[arg(long, requires = "industries")]
    pub balanced: bool,
    /// Stock industries for `--balanced`: a CSV with a stock code (ts_code / code / 股票代码)
    /// and an industry (industry / 行业) column.
    #[arg(long)]
    pub industries: Option<PathBuf>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// `rotor funds enhanced`
#[derive(Debug, Args)]
pub struct FundEnhancedArgs {
    /// Folder of NAV files `<code>.csv`; without it, the store's funds.
    #[arg(long)]
    pub navs: Option<PathBuf>,
    /// Folder of fund profiles `<code>.json` (the type 股票型-增强指数 and 业绩比较基准);
    /// without it, the store's `fund_info`.
    #[arg(long)]
    pub info: Option<PathBuf>,
    /// Store with the benchmark indices' prices.
    #[arg(long)]
    pub store: PathBuf,
    /// Last date counted (e.g. 2024-11-07, the source report's cut-off).
    #[arg(long)]
    pub until: Option<String>,
    /// Annual rate of the deposit and bond parts of a benchmark.
    #[arg(long, default_value_t = 0.0035)]
    pub deposit_rate: f64,
    /// Daily style factor returns (as `rotor funds alpha --factors`): adds each fund's
    /// yearly style exposures of its excess return (SPEC §14.1).
    #[arg(long)]
    pub factors: Option<PathBuf>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// `rotor limit`
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Index code whose members are used (from the store's weights, else membership).
    #[arg(long)]
    pub index: String,
    /// Store folder.
    #[arg(long)]
    pub store: PathBuf,
    /// First month (YYYY-MM-DD, any day of it).
    #[arg(long)]
    pub start: Option<String>,
    /// Last month.
    #[arg(long)]
    pub end: Option<String>,
    /// Number of groups (10 = deciles).
    #[arg(long, default_value_t = 10)]
    pub quantiles: usize,
    /// Yearly figure: mean (of the monthly spreads, SPEC default), compounded or sum.
    #[arg(long, default_value = "mean")]
    pub annual: String,
    /// Write limit_monthly.csv and limit_yearly.csv here.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `rotor risk`
#[derive(Debug, Args)]
pub struct RiskArgs {
    /// Store folder (stock prices; valuation caps / turnover rates when present).
    #[arg(long)]
    pub store: PathBuf,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// First date written (history before it still feeds the descriptors).
    #[arg(long)]
    pub start: Option<String>,
    /// Last date used.
    #[arg(long)]
    pub end: Option<String>,
    /// Stock codes, comma-separated (default: every stock of the store).
    #[arg(long, value_delimiter = ',')]
    pub universe: Vec<String>,
    /// Industry of each stock: a CSV with a code column (code / ts_code / 证券代码) and an
    /// industry column (industry / 行业 / industry_name). Without it every stock is in one
    /// industry (the country factor alone).
    #[arg(long)]
    pub industries: Option<PathBuf>,
    /// Industry constraint: cap (Σ cap-weighted industry returns = 0) or equal.
    #[arg(long, default_value = "cap")]
    pub constraint: String,
    /// joint (one regression) or two_step (toraniko: styles on the residuals).
    #[arg(long, default_value = "joint")]
    pub method: String,
    /// Half-life in days of the EWMA factor covariance written at the last date.
    #[arg(long, default_value_t = 90.0)]
    pub cov_half_life: f64,
    /// Tables only, no HTML / Excel report.
    #[arg(long)]
    pub no_report: bool,
}

/// `rotor regime`
#[derive(Debug, Args)]
pub struct RegimeArgs {
    /// Strategy file (its store, macro ids and regime rules).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Store folder (default rules) when no --config is given.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Write the timeline as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Rows of the timeline to print (the latest ones).
    #[arg(long, default_value_t = 12)]
    pub last: usize,
    /// Write the regime report (regime.html, regime.xlsx, charts/*.png) into this folder.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// `rotor backtest`
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Strategy file (TOML).
    #[arg(long)]
    pub config: PathBuf,
    /// Run folder (default: <out>/<name> from the strategy file).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Skip the HTML report, the workbook and the PNG charts (tables only).
    #[arg(long)]
    pub no_report: bool,
}

/// `rotor recommend`
#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// Strategy file (TOML).
    #[arg(long)]
    pub config: PathBuf,
    /// As-of date (YYYY-MM-DD); default: the last trading day in the data.
    #[arg(long)]
    pub date: Option<String>,
    /// Also write recommendation.csv / .json into this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `rotor sweep`
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Strategy file (TOML).
    #[arg(long)]
    pub config: PathBuf,
    /// Grid, e.g. 'top_n=3..8 mc_window=60,120,250 lookback=20..200:20'.
    #[arg(long)]
    pub grid: String,
    /// Output folder (default: <out>/<name>-sweep).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Refuse grids of more variants than this.
    #[arg(long, default_value_t = rotor_engine::sweep::MAX_VARIANTS)]
    pub max_variants: usize,
}

/// `rotor eval`
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Factor file (long: date, asset, value; CSV or Parquet).
    #[arg(long)]
    pub factor: PathBuf,
    /// Price file (long: date, asset, close; CSV or Parquet). Dates define the return calendar.
    #[arg(long)]
    pub prices: PathBuf,
    /// Forward-return horizons in price rows, comma-separated.
    #[arg(long, default_value = "1")]
    pub periods: String,
    /// Number of quantile groups.
    #[arg(long, default_value_t = 5)]
    pub quantiles: usize,
    /// Grouping: rank-floor (SPEC), remainder-last, qcut (alphalens).
    #[arg(long, default_value = "rank-floor")]
    pub grouping: String,
    /// A `date, label` CSV (e.g. the regime); statistics are also grouped by the label in force at each signal date.
    #[arg(long)]
    pub by: Option<PathBuf>,
    /// Output folder for the tables and the report (report.html, report.xlsx, charts/).
    #[arg(long, default_value = "rotor-out/eval")]
    pub out: PathBuf,
    /// Skip the HTML report, the workbook and the PNG charts (tables only).
    #[arg(long)]
    pub no_report: bool,
    /// Value column of the factor file when it has several.
    #[arg(long)]
    pub factor_col: Option<String>,
    /// Value column of the price file when it has several.
    #[arg(long)]
    pub price_col: Option<String>,
    /// Minimum pairs for an IC (SPEC 5; alphalens 2).
    #[arg(long, default_value_t = 5)]
    pub min_ic_obs: usize,
    /// Do not forward-fill prices before returns.
    #[arg(long)]
    pub no_ffill: bool,
    /// Outlier filter on forward returns in standard deviations (alphalens 20); 0 = off.
    #[arg(long, default_value_t = 20.0)]
    pub filter_zscore: f64,
    /// Neutralise the factor before evaluating it (SPEC §14.2): `styles`, `industry`
    /// or both (comma-separated) — OLS residuals on the risk model's style exposures of
    /// the same date and industry dummies, then z-scored. Needs --store.
    #[arg(long, value_delimiter = ',')]
    pub neutralize: Vec<String>,
    /// Store with the stocks' prices (and caps) for --neutralize.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Industry file for --neutralize industry (as `rotor risk --industries`).
    #[arg(long)]
    pub industries: Option<PathBuf>,
    /// Keep the factor file's rows whose column equals a value, `COLUMN=VALUE` (e.g.
    /// `model=ensemble` for `rotor ml train`'s predictions.parquet).
    #[arg(long)]
    pub select: Option<String>,
    /// Evaluate within an index pool: on each signal date only the members of the index's
    /// latest weight snapshot published by then (e.g. 000300.SH). Needs --store; applied
    /// before --neutralize (the regression runs within the pool).
    #[arg(long)]
    pub pool: Option<String>,
}

/// `rotor data …`
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per process
pub enum DataCmd {
    /// Import vendor files (CSV, XLSX, Parquet, JSON) into the store.
    Import(ImportArgs),
    /// Data-quality report over the store (non-zero exit on errors only).
    Check(CheckArgs),
    /// Quick look at one series.
    Show(ShowArgs),
}

/// `rotor data import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or globs to import with the flags below (alternative: --mapping).
    pub files: Vec<String>,
    /// TOML mapping file with [[import]] entries.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Data root for relative paths in the mapping (overrides its `root`).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Store folder.
    #[arg(long, default_value = "rotor-out/store")]
    pub store: PathBuf,
    /// Target dataset for FILES: prices, valuation, fundamentals, consensus, flows, macro, etf_info, etf_size, membership, weights.
    #[arg(long)]
    pub dataset: Option<String>,
    /// Vendor preset: tushare, akshare, wind, csindex, lixinger, baostock, generic.
    #[arg(long)]
    pub preset: Option<String>,
    /// Source label stored with the rows (default: the preset's name).
    #[arg(long)]
    pub source: Option<String>,
    /// Asset type of price rows: index, etf, stock.
    #[arg(long)]
    pub asset_type: Option<String>,
    /// Price adjustment: none, forward, back.
    #[arg(long)]
    pub adjust: Option<String>,
    /// Fixed code for every row.
    #[arg(long)]
    pub code: Option<String>,
    /// Take each file's code from its name.
    #[arg(long)]
    pub code_from_filename: bool,
    /// XLSX sheet.
    #[arg(long)]
    pub sheet: Option<String>,
    /// Macro periodicity: day, month, quarter.
    #[arg(long)]
    pub period: Option<String>,
    /// Publication-lag rule when the file has no release dates: same_day, next_day, month_end, next_month_end, statutory_deadline.
    #[arg(long)]
    pub lag: Option<String>,
    /// What to do when a stored key gets a different value: keep, replace, error.
    #[arg(long, default_value = "keep")]
    pub on_conflict: String,
    /// Write the import report (warnings, counts) as JSON to this file.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Fail at once when another process is writing the store (default: wait for it, saying so).
    #[arg(long)]
    pub no_wait: bool,
    /// Accept losing more than 1 % of a file's rows, and columns without a value, as warnings (default: an error).
    #[arg(long)]
    pub allow_drops: bool,
}

/// `rotor data check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Store folder.
    #[arg(long, default_value = "rotor-out/store")]
    pub store: PathBuf,
    /// Reference series of the trading calendar.
    #[arg(long, default_value = "000300.SH")]
    pub calendar: String,
    /// Also write the report as CSV (one finding per row).
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

/// `rotor data show`
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Code (prices/valuation/flows) or series id (macro).
    pub code: String,
    /// Store folder.
    #[arg(long, default_value = "rotor-out/store")]
    pub store: PathBuf,
    /// Dataset.
    #[arg(long, default_value = "prices")]
    pub dataset: String,
    /// Field to show (default close / value).
    #[arg(long)]
    pub field: Option<String>,
    /// Source (default: the one with most rows).
    #[arg(long)]
    pub source: Option<String>,
    /// Index of a weights series (required when the stock is in several indices).
    #[arg(long)]
    pub index: Option<String>,
    /// Rows to list.
    #[arg(long, default_value_t = 10)]
    pub last: usize,
}

/// `rotor sim`
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Random seed (same seed → byte-identical files).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output store folder.
    #[arg(long, default_value = "rotor-out/sim")]
    pub out: PathBuf,
    /// Years of daily history.
    #[arg(long, default_value_t = 15)]
    pub years: u32,
    /// Number of indices.
    #[arg(long, default_value_t = 40)]
    pub indices: usize,
    /// Also generate constituents (stocks, membership, weights, fundamentals, consensus).
    #[arg(long)]
    pub constituents: bool,
    /// Write a stock-level market of this many stocks instead (industries, listings,
    /// suspensions, limits, dividends and bonus issues, indices built from the stocks,
    /// planted style factor returns and alpha; see rotor_sim::stocks). 0 = the index-level
    /// market.
    #[arg(long, default_value_t = 0)]
    pub stocks: usize,
    /// With --stocks: also this many funds holding them (NAVs, half-yearly holdings, planted
    /// style rotators; see rotor_sim::funds).
    #[arg(long, default_value_t = 0)]
    pub funds: usize,
    /// With --stocks: also this many enhanced-index funds tracking CSI 300 / CSI 500 with a
    /// planted yearly excess (NAVs and profiles; see rotor_sim::funds).
    #[arg(long, default_value_t = 0)]
    pub enhanced_funds: usize,
}

/// `rotor demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output folder.
    #[arg(long, default_value = "rotor-out/demo")]
    pub out: PathBuf,
    /// Random seed of the synthetic market.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}
