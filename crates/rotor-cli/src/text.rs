//! `rotor text …`: research text tools over a table of texts (crate `rotor-text`).
//!
//! `classify` / `summarise` / `extract` read an `id, text` table, ask the chosen backend
//! through the answer cache on a bounded number of threads, and write the answers
//! with the backend and model beside each, `failures.csv` for texts that got no valid
//! answer, and `run.json` (task, backend, model, endpoint URL — never the key — input
//! fingerprint, counts). `train` fits the offline classifier with a held-out split;
//! `corpus` turns the bundle's fund and news files into such tables; `tasks` lists
//! or writes out the built-in task files.

use crate::args::{
    CorpusKind, TextBackendArg, TextCmd, TextCorpusArgs, TextRunArgs, TextTasksArgs, TextTrainArgs,
};
use crate::ui::Ui;
use anyhow::{anyhow, bail, Context, Result};
use rotor_data::import::reader::{read_file, CellRef};
use rotor_text::agreement::{agreement, Agreement};
use rotor_text::cache::{sha256_hex, write_atomic, Cached};
use rotor_text::ngram::{NgramConfig, NgramModel};
use rotor_text::offline::Offline;
use rotor_text::openai::{EndpointConfig, OpenAi};
use rotor_text::{Backend, Classification, Task, TaskKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Dispatch a `rotor text` command.
pub fn run(ui: &Ui, cmd: TextCmd) -> Result<()> {
    match cmd {
        TextCmd::Classify(a) => classify(ui, &a),
        TextCmd::Summarise(a) => summarise(ui, &a),
        TextCmd::Extract(a) => extract(ui, &a),
        TextCmd::Train(a) => train(ui, &a),
        TextCmd::Corpus(a) => corpus(ui, &a),
        TextCmd::Tasks(a) => tasks(ui, &a),
    }
}

/// The texts of an input table.
struct Input {
    path: PathBuf,
    fingerprint: String,
    ids: Vec<String>,
    texts: Vec<String>,
    /// Requested extra columns, one value per kept row.
    extra: BTreeMap<String, Vec<String>>,
    /// File rows left out for an empty text.
    empty_rows: Vec<usize>,
}

fn cell_text(c: CellRef<'_>) -> String {
    match c {
        CellRef::Empty => String::new(),
        CellRef::Text(s) => s.trim().to_string(),
        CellRef::Num(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        CellRef::Num(x) => x.to_string(),
        CellRef::Date(d) => d.to_string(),
    }
}

fn read_input(path: &Path, id_col: &str, text_col: &str, extra: &[&str]) -> Result<Input> {
    let t = read_file(path, None).map_err(|e| anyhow!("{e}"))?;
    let find = |name: &str, flag: &str| {
        t.headers.iter().position(|h| h == name).ok_or_else(|| {
            anyhow!(
                "{}: no column \"{name}\" (columns: {}); name the column with {flag}",
                path.display(),
                t.headers.join(", ")
            )
        })
    };
    let (jid, jtext) = (
        find(id_col, "--id-column")?,
        find(text_col, "--text-column")?,
    );
    let jextra: Vec<(String, usize)> = extra
        .iter()
        .map(|c| find(c, "the column flag").map(|j| (c.to_string(), j)))
        .collect::<Result<_>>()?;
    let mut input = Input {
        path: path.to_path_buf(),
        fingerprint: t.fingerprint.clone(),
        ids: Vec::new(),
        texts: Vec::new(),
        extra: jextra
            .iter()
            .map(|(c, _)| (c.clone(), Vec::new()))
            .collect(),
        empty_rows: Vec::new(),
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for row in &t.rows {
        let id = cell_text(row.cell(jid));
        if id.is_empty() {
            bail!(
                "{} row {} column {id_col}: empty id (every text needs an id)",
                path.display(),
                row.line
            );
        }
        if let Some(first) = seen.insert(id.clone(), row.line) {
            bail!("{} row {} column {id_col}: id {id} already used on row {first}; ids must be unique", path.display(), row.line);
        }
        let text = cell_text(row.cell(jtext));
        if text.is_empty() {
            input.empty_rows.push(row.line);
            continue;
        }
        input.ids.push(id);
        input.texts.push(text);
        for (c, j) in &jextra {
            if let Some(v) = input.extra.get_mut(c) {
                v.push(cell_text(row.cell(*j)));
            }
        }
    }
    Ok(input)
}

/// The backend chosen on the command line, with what the run record says of it.
struct Chosen {
    backend: Box<dyn Backend + Send>,
    workers: usize,
    endpoint: Option<String>,
    model: Option<NgramModel>,
}

fn read_endpoint(config: Option<&Path>) -> Result<EndpointConfig> {
    let Some(p) = config else {
        return Ok(EndpointConfig::default());
    };
    let src = std::fs::read_to_string(p).with_context(|| p.display().to_string())?;
    let mut doc: toml::Table =
        toml::from_str(&src).with_context(|| format!("{}: not TOML", p.display()))?;
    match doc.remove("llm") {
        None => Ok(EndpointConfig::default()),
        Some(v) => v
            .try_into()
            .with_context(|| format!("{}: [llm] table (base_url, model, api_key_env, timeout_secs, max_retries, backoff_ms, max_backoff_ms, concurrency, temperature, json_mode, max_tokens)", p.display())),
    }
}

/// A stock dictionary: columns `code, name` (or AKShare's `代码, 名称`); codes without
/// an exchange get one from their first digit, names lose listing-day and ex-rights
/// prefixes (see `rotor_text::extract::stock_entry`).
fn read_stocks(path: &Path) -> Result<Vec<(String, String)>> {
    let (mut r, h) = crate::ui::csv_with_headers(path)?;
    let col = |names: [&str; 2]| {
        h.iter().position(|x| names.contains(&x.as_str())).ok_or_else(|| {
            anyhow!(
                "{}: no column {} (a stock dictionary needs code and name, or 代码 and 名称; columns: {})",
                path.display(),
                names[0],
                h.join(", ")
            )
        })
    };
    let (jc, jn) = (col(["code", "代码"])?, col(["name", "名称"])?);
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{} row {}", path.display(), i + 2))?;
        let (c, n) = (rec.get(jc).unwrap_or(""), rec.get(jn).unwrap_or(""));
        out.extend(rotor_text::extract::stock_entry(c, n));
    }
    Ok(out)
}

fn choose_backend(a: &TextRunArgs, task: &Task) -> Result<Chosen> {
    match a.backend {
        TextBackendArg::Offline => {
            let model = a.model.as_deref().map(NgramModel::load).transpose()?;
            if let Some(m) = &model {
                if m.task != task.name {
                    bail!(
                        "{}: the model was trained for task {}, not {}",
                        a.model.as_deref().unwrap_or(Path::new("")).display(),
                        m.task,
                        task.name
                    );
                }
            }
            let stocks = a
                .stocks
                .as_deref()
                .map(read_stocks)
                .transpose()?
                .unwrap_or_default();
            let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
            Ok(Chosen {
                backend: Box::new(Offline::new(model.clone(), stocks)),
                workers,
                endpoint: None,
                model,
            })
        }
        TextBackendArg::Openai => {
            if a.model.is_some() || a.stocks.is_some() {
                bail!("--model and --stocks are for the offline backend; the endpoint's model is set in [llm] or ROTOR_LLM_MODEL");
            }
            let cfg = read_endpoint(a.config.as_deref())?.resolve(|k| std::env::var(k).ok())?;
            let b = OpenAi::new(cfg.clone(), |k| std::env::var(k).ok());
            Ok(Chosen {
                backend: Box::new(b),
                workers: cfg.concurrency,
                endpoint: Some(cfg.base_url),
                model: None,
            })
        }
    }
}

/// Answers of one run, in input order.
struct Answered<T> {
    task: Task,
    input: Input,
    chosen: Chosen,
    results: Vec<rotor_text::Result<T>>,
    from_cache: usize,
    asked: usize,
}

fn answer_all<T: Send>(
    ui: &Ui,
    a: &TextRunArgs,
    kind: TaskKind,
    extra: &[&str],
    f: impl Fn(&dyn Backend, &Task, &str) -> rotor_text::Result<T> + Sync,
) -> Result<Answered<T>> {
    let task = rotor_text::task::load(&a.task)?;
    if task.kind != kind {
        bail!(
            "task {} is a {} task; use `rotor text {}`",
            task.name,
            task.kind.as_str(),
            task.kind.as_str()
        );
    }
    let input = read_input(&a.input, &a.id_column, &a.text_column, extra)?;
    if input.ids.is_empty() {
        bail!(
            "{}: no row with a text in column {}",
            a.input.display(),
            a.text_column
        );
    }
    let chosen = choose_backend(a, &task)?;
    let dir = a
        .cache
        .clone()
        .unwrap_or_else(|| PathBuf::from(".rotor-cache/text"));
    let cached = Cached::new(chosen.backend.as_ref(), dir).reading(!a.no_cache);
    let bar = ui.bar(input.ids.len() as u64, &task.name);
    let results = rotor_text::pipeline::run_items(
        &input.texts,
        chosen.workers,
        |t| f(&cached, &task, t),
        || bar.inc(1),
    );
    bar.finish_and_clear();
    let (from_cache, asked) = cached.stats();
    Ok(Answered {
        task,
        input,
        chosen,
        results,
        from_cache,
        asked,
    })
}

fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(headers)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.into_inner().map_err(|e| anyhow!("{e}"))
}

fn write_csv(path: &Path, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
    write_atomic(path, &csv_bytes(headers, rows)?)?;
    Ok(())
}

/// failures.csv (when any) and run.json; the number of failures.
fn write_record<T>(
    ui: &Ui,
    out: &Path,
    r: &Answered<T>,
    extra: serde_json::Value,
) -> Result<usize> {
    let id = r.chosen.backend.identity();
    let failed: Vec<Vec<String>> = r
        .results
        .iter()
        .zip(&r.input.ids)
        .filter_map(|(x, i)| x.as_ref().err().map(|e| vec![i.clone(), e.to_string()]))
        .collect();
    let fail_path = out.join("failures.csv");
    if failed.is_empty() {
        let _ = std::fs::remove_file(&fail_path);
    } else {
        write_csv(&fail_path, &["id", "error"], &failed)?;
    }
    let record = serde_json::json!({
        "task": r.task.name,
        "kind": r.task.kind.as_str(),
        "task_sha256": sha256_hex(r.task.source.as_bytes()),
        "backend": id.backend,
        "model": id.model,
        "endpoint": r.chosen.endpoint,
        "input": r.input.path.display().to_string(),
        "input_fingerprint": r.input.fingerprint,
        "texts": r.input.ids.len(),
        "rows_without_text": r.input.empty_rows,
        "answered": r.results.len() - failed.len(),
        "failed": failed.len(),
        "from_cache": r.from_cache,
        "asked": r.asked,
        "workers": r.chosen.workers,
        "details": extra,
        "rotor_version": env!("CARGO_PKG_VERSION"),
    });
    write_atomic(
        &out.join("run.json"),
        serde_json::to_string_pretty(&record)?.as_bytes(),
    )?;
    ui.note(format!(
        "{} texts: {} answered ({} from the cache, {} asked of {} {}), {} failed{}",
        r.input.ids.len(),
        r.results.len() - failed.len(),
        r.from_cache,
        r.asked,
        id.backend,
        id.model,
        failed.len(),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" — see {}", fail_path.display())
        }
    ));
    if !r.input.empty_rows.is_empty() {
        ui.note(format!(
            "{} rows without text left out (file rows {:?})",
            r.input.empty_rows.len(),
            r.input.empty_rows
        ));
    }
    if failed.len() == r.results.len() {
        bail!("no text got a valid answer; first error: {}", failed[0][1]);
    }
    Ok(failed.len())
}

fn fmt_score(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map(|v| format!("{v:.6}"))
        .unwrap_or_default()
}

fn classify(ui: &Ui, a: &TextRunArgs) -> Result<()> {
    let extra: Vec<&str> = a
        .label_column
        .iter()
        .chain(&a.period_column)
        .map(String::as_str)
        .collect();
    let r = answer_all(ui, a, TaskKind::Classify, &extra, |b, t, x| {
        b.classify(t, x)
    })?;
    std::fs::create_dir_all(&a.out).with_context(|| a.out.display().to_string())?;
    let id = r.chosen.backend.identity();
    let seen = seen_in_training(r.chosen.model.as_ref(), &r.input.texts);
    let reference = a.label_column.as_ref().and_then(|c| r.input.extra.get(c));
    let mut rows = Vec::new();
    for (i, res) in r.results.iter().enumerate() {
        let Ok(c) = res else { continue };
        let mut row = vec![
            r.input.ids[i].clone(),
            c.label.clone(),
            fmt_score(c.score),
            c.reason.clone().unwrap_or_default(),
            id.backend.clone(),
            id.model.clone(),
        ];
        if let Some(s) = &seen {
            row.push(s[i].to_string());
        }
        if let Some(refs) = reference {
            row.push(refs[i].clone());
        }
        rows.push(row);
    }
    let mut headers = vec!["id", "label", "score", "reason", "backend", "model"];
    if seen.is_some() {
        headers.push("seen_in_training");
    }
    if reference.is_some() {
        headers.push("reference");
    }
    write_csv(&a.out.join("labels.csv"), &headers, &rows)?;
    let mut details = serde_json::Map::new();
    if let Some(refs) = reference {
        let scores = write_agreement(ui, &a.out, &r.results, refs, seen.as_deref())?;
        details.insert("agreement".into(), scores);
    }
    if let Some(pc) = &a.period_column {
        write_shares(&a.out, &r.task, &r.results, &r.input.extra[pc])?;
    }
    write_record(ui, &a.out, &r, serde_json::Value::Object(details))?;
    out!("labels   {}", a.out.join("labels.csv").display());
    Ok(())
}

/// Whether each text was among the model's training texts (None without a model).
fn seen_in_training(model: Option<&NgramModel>, texts: &[String]) -> Option<Vec<bool>> {
    let m = model?;
    Some(texts.iter().map(|t| m.trained_on(t)).collect())
}

fn agreement_rows(scope: &str, a: &Agreement) -> (Vec<String>, Vec<Vec<String>>) {
    let row = vec![
        scope.to_string(),
        a.n.to_string(),
        format!("{:.4}", a.accuracy),
        format!("{:.4}", a.kappa),
    ];
    let conf = a
        .confusion
        .iter()
        .map(|((t, p), n)| vec![scope.to_string(), t.clone(), p.clone(), n.to_string()])
        .collect();
    (row, conf)
}

/// agreement.csv (scope, n, accuracy, kappa) and confusion.csv over all answered texts
/// and, with a model that records its training texts, over the texts it never saw.
fn write_agreement(
    ui: &Ui,
    out: &Path,
    results: &[rotor_text::Result<Classification>],
    refs: &[String],
    seen: Option<&[bool]>,
) -> Result<serde_json::Value> {
    let pairs = |keep: &dyn Fn(usize) -> bool| -> Vec<(String, String)> {
        results
            .iter()
            .enumerate()
            .filter(|(i, r)| r.is_ok() && !refs[*i].is_empty() && keep(*i))
            .filter_map(|(i, r)| r.as_ref().ok().map(|c| (refs[i].clone(), c.label.clone())))
            .collect()
    };
    let mut scopes = vec![("all", agreement(&pairs(&|_| true)))];
    if let Some(s) = seen {
        scopes.push(("unseen", agreement(&pairs(&|i| !s[i]))));
    }
    let mut rows = Vec::new();
    let mut conf = Vec::new();
    let mut json = serde_json::Map::new();
    for (scope, ag) in &scopes {
        let (r, c) = agreement_rows(scope, ag);
        ui.note(format!(
            "agreement with the reference ({scope}): {} texts, accuracy {:.1} %, kappa {:.3}",
            ag.n,
            100.0 * ag.accuracy,
            ag.kappa
        ));
        rows.push(r);
        conf.extend(c);
        json.insert(
            scope.to_string(),
            serde_json::json!({"n": ag.n, "accuracy": ag.accuracy, "kappa": ag.kappa}),
        );
    }
    write_csv(
        &out.join("agreement.csv"),
        &["scope", "n", "accuracy", "kappa"],
        &rows,
    )?;
    write_csv(
        &out.join("confusion.csv"),
        &["scope", "reference", "predicted", "n"],
        &conf,
    )?;
    Ok(serde_json::Value::Object(json))
}

/// shares.csv: per period, every label's count and share of the answered texts.
fn write_shares(
    out: &Path,
    task: &Task,
    results: &[rotor_text::Result<Classification>],
    periods: &[String],
) -> Result<()> {
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (r, p) in results.iter().zip(periods) {
        if let Ok(c) = r {
            *counts
                .entry(p.as_str())
                .or_default()
                .entry(c.label.as_str())
                .or_default() += 1;
        }
    }
    let mut rows = Vec::new();
    for (p, m) in &counts {
        let total: usize = m.values().sum();
        for l in &task.labels {
            let n = m.get(l.as_str()).copied().unwrap_or(0);
            rows.push(vec![
                p.to_string(),
                l.clone(),
                n.to_string(),
                format!("{:.4}", n as f64 / total as f64),
            ]);
        }
    }
    write_csv(
        &out.join("shares.csv"),
        &["period", "label", "n", "share"],
        &rows,
    )
}

fn summarise(ui: &Ui, a: &TextRunArgs) -> Result<()> {
    let r = answer_all(ui, a, TaskKind::Summarise, &[], |b, t, x| b.summarise(t, x))?;
    std::fs::create_dir_all(&a.out).with_context(|| a.out.display().to_string())?;
    let id = r.chosen.backend.identity();
    let rows: Vec<Vec<String>> = r
        .results
        .iter()
        .zip(&r.input.ids)
        .filter_map(|(x, i)| {
            x.as_ref()
                .ok()
                .map(|s| vec![i.clone(), s.clone(), id.backend.clone(), id.model.clone()])
        })
        .collect();
    write_csv(
        &a.out.join("summaries.csv"),
        &["id", "summary", "backend", "model"],
        &rows,
    )?;
    write_record(ui, &a.out, &r, serde_json::Value::Null)?;
    out!("summaries {}", a.out.join("summaries.csv").display());
    Ok(())
}

fn extract(ui: &Ui, a: &TextRunArgs) -> Result<()> {
    let r = answer_all(ui, a, TaskKind::Extract, &[], |b, t, x| b.extract(t, x))?;
    std::fs::create_dir_all(&a.out).with_context(|| a.out.display().to_string())?;
    let id = r.chosen.backend.identity();
    let mut rows = Vec::new();
    for (x, i) in r.results.iter().zip(&r.input.ids) {
        for item in x.iter().flatten() {
            let mut row = vec![i.clone()];
            row.extend(item.iter().cloned());
            row.push(id.backend.clone());
            row.push(id.model.clone());
            rows.push(row);
        }
    }
    let mut headers = vec!["id"];
    headers.extend(r.task.extract.columns.iter().map(String::as_str));
    headers.extend(["backend", "model"]);
    write_csv(&a.out.join("rows.csv"), &headers, &rows)?;
    let texts_with_rows = r
        .results
        .iter()
        .filter(|x| x.as_ref().is_ok_and(|v| !v.is_empty()))
        .count();
    ui.note(format!(
        "{} rows from {texts_with_rows} of {} texts",
        rows.len(),
        r.input.ids.len()
    ));
    write_record(
        ui,
        &a.out,
        &r,
        serde_json::json!({"rows": rows.len(), "texts_with_rows": texts_with_rows}),
    )?;
    out!("rows     {}", a.out.join("rows.csv").display());
    Ok(())
}

fn train(ui: &Ui, a: &TextTrainArgs) -> Result<()> {
    let task = rotor_text::task::load(&a.task)?;
    if task.kind != TaskKind::Classify {
        bail!(
            "task {} is a {} task; only classify tasks are trained",
            task.name,
            task.kind.as_str()
        );
    }
    if !(0.0..1.0).contains(&a.test_fraction) {
        bail!("--test-fraction must be in [0, 1)");
    }
    let input = read_input(
        &a.input,
        &a.id_column,
        &a.text_column,
        &[a.label_column.as_str()],
    )?;
    let labels = &input.extra[&a.label_column];
    let refs: Vec<&str> = input.texts.iter().map(String::as_str).collect();
    let test = rotor_text::split::test_rows(&refs, a.test_fraction, a.seed);
    let examples: Vec<(&str, &str)> = (0..refs.len())
        .filter(|&i| !test[i] && !labels[i].is_empty())
        .map(|i| (refs[i], labels[i].as_str()))
        .collect();
    let cfg = NgramConfig {
        seed: a.seed,
        balanced: a.balanced,
        max_n: a.max_n,
        min_df: a.min_df,
        l2: a.l2,
        epochs: a.epochs,
        ..NgramConfig::default()
    };
    let (model, report) = NgramModel::train(&task.name, &task.labels, &examples, &cfg)
        .with_context(|| {
            format!(
                "{}: training on column {}",
                a.input.display(),
                a.label_column
            )
        })?;
    std::fs::create_dir_all(&a.out).with_context(|| a.out.display().to_string())?;
    model.save(&a.out.join("model.json"))?;
    let mut rows = Vec::new();
    let mut pairs = Vec::new();
    for i in (0..refs.len()).filter(|&i| test[i] && !labels[i].is_empty()) {
        let (k, p) = model.predict(refs[i]);
        pairs.push((labels[i].clone(), model.labels[k].clone()));
        rows.push(vec![
            input.ids[i].clone(),
            labels[i].clone(),
            model.labels[k].clone(),
            format!("{:.6}", p[k]),
        ]);
    }
    write_csv(
        &a.out.join("holdout.csv"),
        &["id", "reference", "label", "score"],
        &rows,
    )?;
    let ag = agreement(&pairs);
    let (row, conf) = agreement_rows("held_out", &ag);
    write_csv(
        &a.out.join("agreement.csv"),
        &["scope", "n", "accuracy", "kappa"],
        &[row],
    )?;
    write_csv(
        &a.out.join("confusion.csv"),
        &["scope", "reference", "predicted", "n"],
        &conf,
    )?;
    let counts: BTreeMap<&String, usize> = task
        .labels
        .iter()
        .zip(report.counts.iter().copied())
        .collect();
    ui.note(format!(
        "trained on {} texts {:?}, {} features, training accuracy {:.1} %",
        examples.len(),
        counts,
        report.features,
        100.0 * report.train_accuracy
    ));
    out!(
        "held-out texts {}: accuracy {:.1} %, kappa {:.3}",
        ag.n,
        100.0 * ag.accuracy,
        ag.kappa
    );
    out!("model    {}", a.out.join("model.json").display());
    Ok(())
}

fn corpus(ui: &Ui, a: &TextCorpusArgs) -> Result<()> {
    let (headers, rows, left_out): (Vec<&str>, Vec<Vec<String>>, usize) = match a.kind {
        CorpusKind::FundProfiles => {
            let (funds, empty) = rotor_text::corpus::read_fund_profiles(&a.input)?;
            let rows = funds
                .into_iter()
                .map(|f| vec![f.id, f.text, f.name, f.fund_type, f.reference])
                .collect();
            (
                vec!["id", "text", "name", "fund_type", "reference"],
                rows,
                empty,
            )
        }
        CorpusKind::NewsDigest => {
            let (news, empty) = rotor_text::corpus::read_news_digest(&a.input)?;
            let rows = news
                .into_iter()
                .map(|n| vec![n.id, n.text, n.date, n.source, n.important.to_string()])
                .collect();
            (
                vec!["id", "text", "period", "source", "important"],
                rows,
                empty,
            )
        }
        CorpusKind::EnhancedPool => {
            let (rows, empty) = enhanced_pool(&a.input)?;
            (
                vec!["id", "text", "name", "fund_type", "benchmark", "reference"],
                rows,
                empty,
            )
        }
    };
    let rows = match &a.only {
        None => rows,
        Some(f) => keep_listed(ui, rows, f, &a.input)?,
    };
    write_csv(&a.out, &headers, &rows)?;
    ui.note(format!(
        "{} texts written; {left_out} left out without text",
        rows.len()
    ));
    out!("corpus   {}", a.out.display());
    Ok(())
}

/// The rows whose id (first cell) is listed in `list`; listed ids without a row are said.
fn keep_listed(
    ui: &Ui,
    rows: Vec<Vec<String>>,
    list: &Path,
    input: &Path,
) -> Result<Vec<Vec<String>>> {
    let keep = read_id_list(list)?;
    let kept: Vec<Vec<String>> = rows.into_iter().filter(|r| keep.contains(&r[0])).collect();
    let missing: Vec<&String> = keep
        .iter()
        .filter(|k| !kept.iter().any(|r| &r[0] == *k))
        .collect();
    if !missing.is_empty() {
        ui.note(format!(
            "{} ids of {} have no text in {}: {missing:?}",
            missing.len(),
            list.display(),
            input.display()
        ));
    }
    Ok(kept)
}

/// The distinct values of the `fund`, `id` or `code` column of a CSV.
fn read_id_list(path: &Path) -> Result<std::collections::BTreeSet<String>> {
    let (mut r, h) = crate::ui::csv_with_headers(path)?;
    let j = ["fund", "id", "code"]
        .iter()
        .find_map(|c| h.iter().position(|x| x == c))
        .ok_or_else(|| {
            anyhow!(
                "{}: no fund, id or code column (columns: {})",
                path.display(),
                h.join(", ")
            )
        })?;
    let mut out = std::collections::BTreeSet::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{} row {}", path.display(), i + 2))?;
        if let Some(v) = rec.get(j).map(str::trim).filter(|v| !v.is_empty()) {
            out.insert(v.to_string());
        }
    }
    Ok(out)
}

/// The enhanced-index fund pool (parquet or xlsx with fund_code, objective_raw and
/// optionally fund_name, fund_type, benchmark_raw): rows and the count without text.
fn enhanced_pool(path: &Path) -> Result<(Vec<Vec<String>>, usize)> {
    let t = read_file(path, None).map_err(|e| anyhow!("{e}"))?;
    let col = |n: &str| t.headers.iter().position(|h| h == n);
    let need = |n: &str| {
        col(n).ok_or_else(|| {
            anyhow!(
                "{}: no column \"{n}\" (columns: {})",
                path.display(),
                t.headers.join(", ")
            )
        })
    };
    let (jc, jt) = (need("fund_code")?, need("objective_raw")?);
    let get = |row: &rotor_data::import::reader::RawRow, j: Option<usize>| {
        j.map(|j| cell_text(row.cell(j))).unwrap_or_default()
    };
    let (mut rows, mut empty) = (Vec::new(), 0);
    for row in &t.rows {
        let text = cell_text(row.cell(jt));
        if text.is_empty() {
            empty += 1;
            continue;
        }
        let fund_type = get(row, col("fund_type"));
        let name = get(row, col("fund_name"));
        let reference = rotor_text::corpus::reference_style(&fund_type, &name).to_string();
        rows.push(vec![
            cell_text(row.cell(jc)),
            text,
            name,
            fund_type,
            get(row, col("benchmark_raw")),
            reference,
        ]);
    }
    Ok((rows, empty))
}

fn tasks(ui: &Ui, a: &TextTasksArgs) -> Result<()> {
    if let Some(dir) = &a.dump {
        for (name, src) in rotor_text::task::BUILTIN {
            write_atomic(&dir.join(format!("{name}.toml")), src.as_bytes())?;
        }
        ui.note(format!(
            "{} task files written to {}; pass one with --task FILE.toml",
            rotor_text::task::BUILTIN.len(),
            dir.display()
        ));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = rotor_text::task::BUILTIN
        .iter()
        .map(|(n, src)| {
            let t = rotor_text::task::parse(n, src)?;
            Ok(vec![
                t.name,
                t.kind.as_str().to_string(),
                t.labels.join(" / "),
                t.description,
            ])
        })
        .collect::<Result<_>>()?;
    out!(
        "{}",
        crate::ui::table(&["task", "kind", "labels", "what"], &rows)
    );
    Ok(())
}
