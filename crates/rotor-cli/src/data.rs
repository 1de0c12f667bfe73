//! `rotor data import | check | show`.

use crate::args::{CheckArgs, ImportArgs, ShowArgs};
use crate::ui::{sparkline, table, Ui};
use anyhow::{bail, Context, Result};
use rotor_data::import::{self, FileSpec};
use rotor_data::schema::Dataset;
use rotor_data::store::Store;
use rotor_data::table::{days_to_date, ConflictPolicy};
use std::path::{Path, PathBuf};

fn parse_flag<T: std::str::FromStr<Err = String>>(
    flag: &str,
    v: &Option<String>,
) -> Result<Option<T>> {
    v.as_deref()
        .map(|s| s.parse::<T>().map_err(|e| anyhow::anyhow!("--{flag}: {e}")))
        .transpose()
}

fn parse_serde<T: serde::de::DeserializeOwned>(
    flag: &str,
    v: &Option<String>,
    allowed: &str,
) -> Result<Option<T>> {
    v.as_deref()
        .map(|s| {
            toml::Value::String(s.to_string())
                .try_into::<T>()
                .map_err(|_| anyhow::anyhow!("--{flag}: `{s}` is not one of {allowed}"))
        })
        .transpose()
}

/// What the flags or the mapping file ask to import.
struct Resolved {
    specs: Vec<FileSpec>,
    root: PathBuf,
    aliases: std::collections::BTreeMap<String, String>,
}

/// Resolve flags into file specs and a data root.
fn resolve_specs(a: &ImportArgs) -> Result<Resolved> {
    let mut r = resolve_sources(a)?;
    if a.allow_drops {
        for s in &mut r.specs {
            s.allow_drops = true;
        }
    }
    Ok(r)
}

fn resolve_sources(a: &ImportArgs) -> Result<Resolved> {
    if let Some(m) = &a.mapping {
        if !a.files.is_empty() {
            bail!("give either FILES with flags or --mapping, not both");
        }
        let mf = import::load_mapping(m)?;
        let base = m.parent().unwrap_or(Path::new("."));
        let root = match (&a.root, &mf.root) {
            (Some(r), _) => r.clone(),
            (None, Some(r)) => base.join(r),
            (None, None) => base.to_path_buf(),
        };
        return Ok(Resolved {
            specs: mf.imports,
            root,
            aliases: mf.aliases,
        });
    }
    if a.files.is_empty() {
        bail!("nothing to import: give FILES (with --dataset) or --mapping FILE");
    }
    let ds: Dataset = parse_flag("dataset", &a.dataset)?
        .context("--dataset is required with FILES (e.g. --dataset prices)")?;
    let mut specs = Vec::new();
    for f in &a.files {
        let mut s = FileSpec::new(f.clone(), ds);
        s.preset = parse_serde(
            "preset",
            &a.preset,
            "tushare, akshare, wind, csindex, lixinger, baostock, generic",
        )?
        .unwrap_or_default();
        s.source = a.source.clone();
        s.asset_type = parse_flag("asset-type", &a.asset_type)?;
        s.adjust = parse_flag("adjust", &a.adjust)?;
        s.code = a.code.clone();
        s.code_from_filename = a.code_from_filename;
        s.sheet = a.sheet.clone();
        s.period = parse_serde("period", &a.period, "day, month, quarter")?;
        s.lag = parse_flag("lag", &a.lag)?;
        specs.push(s);
    }
    Ok(Resolved {
        specs,
        root: a.root.clone().unwrap_or_else(|| PathBuf::from(".")),
        aliases: Default::default(),
    })
}

pub fn import(ui: &Ui, a: ImportArgs) -> Result<i32> {
    let policy: ConflictPolicy = parse_serde(
        "on-conflict",
        &Some(a.on_conflict.clone()),
        "keep, replace, error",
    )?
    .expect("given");
    let r = resolve_specs(&a)?;
    let files = import::plan(&r.specs, &r.root)?;
    let mut store = Store::open(&a.store)?;
    store.set_wait(!a.no_wait);
    let quiet = ui.quiet;
    store.on_wait(std::sync::Arc::new(move |m: &str| {
        if !quiet {
            eprintln!("{m}");
        }
    }));
    let bar = ui.bar(files.len() as u64, "importing");
    let t0 = std::time::Instant::now();
    let rep = import::run_with(&store, &files, policy, &r.aliases, &|| bar.inc(1))
        .map_err(|e| anyhow::anyhow!("{e}\n(mapping keys, presets and checks: docs/mapping.md)"))?;
    bar.finish_and_clear();
    if let Some(p) = &a.report {
        std::fs::write(p, serde_json::to_string_pretty(&rep)?)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&rep)?);
        return Ok(0);
    }
    print_accounts(&rep);
    print_import(&rep, t0, &store, policy);
    Ok(0)
}

/// Where the rows went, per dataset, and the files that lost any.
pub(crate) fn print_accounts(rep: &import::ImportReport) {
    let mut by_ds: std::collections::BTreeMap<Dataset, [usize; 6]> = Default::default();
    for a in &rep.accounts {
        let e = by_ds.entry(a.dataset).or_default();
        let excluded = a
            .dropped
            .get(import::warning::EXCLUDED)
            .copied()
            .unwrap_or(0);
        e[0] += 1;
        e[1] += a.rows;
        e[2] += a.footer;
        e[3] += excluded;
        e[4] += a.dropped.values().sum::<usize>() - excluded;
        e[5] += a.kept;
    }
    let rows: Vec<Vec<String>> = by_ds
        .iter()
        .map(|(d, e)| {
            let mut r = vec![d.to_string()];
            r.extend(e.iter().map(ToString::to_string));
            r
        })
        .collect();
    out!(
        "{}",
        table(
            &[
                "dataset",
                "files",
                "rows read",
                "footers",
                "excluded",
                "dropped",
                "rows kept"
            ],
            &rows
        )
    );
    let lossy: Vec<&import::RowAccount> = rep.accounts.iter().filter(|a| a.lost() > 0).collect();
    if !lossy.is_empty() {
        out!("\nrows not kept, by file:");
        for a in lossy.iter().take(10) {
            let mut why: Vec<String> = Vec::new();
            if a.footer > 0 {
                why.push(format!("{} footer", a.footer));
            }
            why.extend(a.dropped.iter().map(|(k, n)| format!("{n} {k}")));
            out!(
                "  {}: {} of {} ({})",
                a.file,
                a.lost(),
                a.rows,
                why.join(", ")
            );
        }
        if lossy.len() > 10 {
            out!("  … {} more (see --report FILE)", lossy.len() - 10);
        }
    }
    out!("");
}

/// The merge counts, the totals, the warnings by kind and the conflicts.
pub(crate) fn print_import(
    rep: &import::ImportReport,
    t0: std::time::Instant,
    store: &Store,
    policy: ConflictPolicy,
) {
    let rows: Vec<Vec<String>> = rep
        .commit
        .stats
        .iter()
        .map(|(d, s)| {
            vec![
                d.to_string(),
                s.added.to_string(),
                s.unchanged.to_string(),
                s.filled.to_string(),
                s.conflicts.to_string(),
                s.replaced.to_string(),
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            &[
                "dataset",
                "added",
                "unchanged",
                "filled",
                "conflicts",
                "replaced"
            ],
            &rows
        )
    );
    out!(
        "\n{} file(s), {} row(s) parsed in {:.2}s into {}",
        rep.files,
        rep.rows,
        t0.elapsed().as_secs_f64(),
        store.root().display()
    );
    if !rep.warnings.is_empty() {
        out!(
            "\n{} warning(s) (what each means: docs/mapping.md):",
            rep.warnings.len()
        );
        let mut by_kind = std::collections::BTreeMap::<&str, Vec<&import::Warning>>::new();
        for w in &rep.warnings {
            by_kind.entry(w.kind.as_str()).or_default().push(w);
        }
        for (k, ws) in by_kind {
            out!("  [{k}] {} file(s)", ws.len());
            for w in ws.iter().take(3) {
                let row = w.row.map(|r| format!(" row {r}")).unwrap_or_default();
                out!("    {}{row}: {}", w.file, w.message);
            }
            if ws.len() > 3 {
                out!("    … {} more (see --report FILE)", ws.len() - 3);
            }
        }
    }
    for (d, cs) in &rep.commit.conflicts {
        out!(
            "\n{} conflict(s) in {d} (policy {:?}); first:",
            cs.len(),
            policy
        );
        for c in cs.iter().take(3) {
            out!(
                "  {} `{}`: stored {} vs incoming {}",
                c.key,
                c.column,
                c.stored,
                c.incoming
            );
        }
    }
}

pub fn check(ui: &Ui, a: CheckArgs) -> Result<i32> {
    if !a.store.exists() {
        bail!(
            "no store at {} (import data first: rotor data import …)",
            a.store.display()
        );
    }
    let store = Store::open(&a.store)?;
    let cal = match rotor_data::panel::calendar_from_store(&store, &a.calendar) {
        Ok(c) => Some(c),
        Err(e) => {
            ui.note(format!("note: {e}; gap checks skipped"));
            None
        }
    };
    let rep = rotor_data::check::check(&store, cal.as_ref().map(|c| (a.calendar.as_str(), c)))?;
    if let Some(p) = &a.csv {
        write_check_csv(&rep, p)?;
    }
    if ui.json {
        out!("{}", serde_json::to_string_pretty(&rep)?);
    } else {
        print_check(&rep);
    }
    Ok(if rep.errors() > 0 { 1 } else { 0 })
}

/// The check report as CSV, one finding per row (layout findings as dataset `store`).
fn write_check_csv(rep: &rotor_data::check::CheckReport, p: &Path) -> Result<()> {
    let mut w = String::from("severity,dataset,series,kind,message\n");
    for f in &rep.findings {
        w.push_str(&format!(
            "{:?},{},{},{},\"{}\"\n",
            f.severity,
            f.dataset,
            f.series,
            f.kind,
            f.message.replace('"', "'")
        ));
    }
    for f in &rep.layout {
        w.push_str(&format!(
            "{:?},store,{},foreign,\"{}\"\n",
            f.severity,
            f.path,
            f.message.replace('"', "'")
        ));
    }
    std::fs::write(p, w).with_context(|| format!("writing {}", p.display()))
}

/// The check report as text tables: coverage, findings, store layout.
fn print_check(rep: &rotor_data::check::CheckReport) {
    let rows: Vec<Vec<String>> = rep
        .coverage
        .iter()
        .map(|c| {
            vec![
                c.dataset.to_string(),
                c.rows.to_string(),
                c.series.to_string(),
                c.first.clone().unwrap_or_default(),
                c.last.clone().unwrap_or_default(),
                c.sources.join(" "),
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            &["dataset", "rows", "series", "first", "last", "sources"],
            &rows
        )
    );
    if let Some((c, n)) = &rep.calendar {
        out!("\ncalendar: {n} trading days of {c}");
    }
    out!("\n{} error(s), {} warning(s)", rep.errors(), rep.warnings());
    let rows: Vec<Vec<String>> = rep
        .findings
        .iter()
        .map(|f| {
            vec![
                format!("{:?}", f.severity).to_lowercase(),
                f.dataset.to_string(),
                f.series.clone(),
                f.kind.to_string(),
                f.message.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out!(
            "{}",
            table(&["severity", "dataset", "series", "kind", "message"], &rows)
        );
    }
    let rows: Vec<Vec<String>> = rep
        .layout
        .iter()
        .map(|f| {
            vec![
                format!("{:?}", f.severity).to_lowercase(),
                f.path.clone(),
                f.message.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out!("\nstore layout:");
        out!("{}", table(&["severity", "path", "message"], &rows));
    }
}

/// The dataset, its key column, date column and the field `data show` prints.
fn show_target(a: &ShowArgs) -> Result<(Dataset, &'static str, &'static str, String)> {
    let ds: Dataset = a
        .dataset
        .parse()
        .map_err(|e: String| anyhow::anyhow!("--dataset: {e}"))?;
    let (key, date_col, default_field) = match ds {
        Dataset::Macro => ("series_id", "period", "value"),
        d if d.has_date() && d.column_index("code").is_some() => ("code", "date", "close"),
        _ => bail!(
            "--dataset {ds}: show supports prices, valuation, flows, etf_size, weights and macro"
        ),
    };
    let field = a.field.clone().unwrap_or_else(|| {
        match ds {
            Dataset::Valuation => "pe_ttm",
            Dataset::Weights => "weight",
            Dataset::EtfSize => "fund_size",
            Dataset::Flows => "northbound_net",
            _ => default_field,
        }
        .into()
    });
    if ds.column_index(&field).is_none() {
        bail!("--field: dataset {ds} has no column `{field}`");
    }
    Ok((ds, key, date_col, field))
}

/// The source shown: `--source`, else the one with most rows (an error lists similar
/// codes when the code is absent).
fn show_source(
    a: &ShowArgs,
    ds: Dataset,
    keys: &[Option<rotor_data::table::Text>],
    srcs: &[Option<rotor_data::table::Text>],
) -> Result<(String, std::collections::BTreeMap<String, usize>)> {
    let mut sources: std::collections::BTreeMap<String, usize> = Default::default();
    for i in 0..keys.len() {
        if keys[i].as_deref() == Some(a.code.as_str()) {
            *sources
                .entry(srcs[i].as_deref().unwrap_or("").to_string())
                .or_default() += 1;
        }
    }
    if sources.is_empty() {
        let mut near: Vec<&str> = keys
            .iter()
            .flatten()
            .map(|k| &**k)
            .filter(|k| k.contains(&a.code) || a.code.contains(*k))
            .collect();
        near.sort();
        near.dedup();
        bail!(
            "no {ds} series `{}` in {} (similar: {})",
            a.code,
            a.store.display(),
            near.into_iter().take(8).collect::<Vec<_>>().join(", ")
        );
    }
    let src = match &a.source {
        Some(s) if sources.contains_key(s.as_str()) => s.clone(),
        Some(s) => bail!(
            "--source {s}: not among {}",
            sources.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
        None => sources
            .iter()
            .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
            .map(|x| x.0.to_string())
            .expect("non-empty"),
    };
    Ok((src, sources))
}

/// For weights: the index whose weights are shown (`--index`, or the only index the
/// stock is in; several without `--index` is an error listing them).
fn show_index(
    a: &ShowArgs,
    t: &rotor_data::table::Table,
    aliases: &import::Aliases,
) -> Result<Option<String>> {
    if t.dataset != Dataset::Weights {
        return Ok(None);
    }
    let (codes, idx) = (t.str_col("code"), t.str_col("index_code"));
    let mut found: Vec<&str> = (0..t.len())
        .filter(|&i| codes[i].as_deref() == Some(a.code.as_str()))
        .filter_map(|i| idx[i].as_deref())
        .collect();
    found.sort_unstable();
    found.dedup();
    match (&a.index, found.as_slice()) {
        (Some(i), _) => {
            let i = aliases.canonical(i).into_owned();
            if !found.contains(&i.as_str()) {
                bail!(
                    "--index {i}: {} has no weight in it (its indices: {})",
                    a.code,
                    found.join(", ")
                );
            }
            Ok(Some(i))
        }
        (None, [one]) => Ok(Some(one.to_string())),
        (None, []) => Ok(None),
        (None, several) => bail!(
            "{} is in {} indices ({}); choose one with --index",
            a.code,
            several.len(),
            several.join(", ")
        ),
    }
}

pub fn show(ui: &Ui, mut a: ShowArgs) -> Result<i32> {
    let (ds, key, date_col, field) = show_target(&a)?;
    let store = Store::open(&a.store)?;
    let aliases = store.aliases()?;
    if ds != Dataset::Macro {
        // the code as the store holds it: `600519` → `600519.SH`, `399300.SZ` → `000300.SH`
        let n = import::codes::normalize(&a.code, import::codes::CodeKind::Unknown)
            .unwrap_or_else(|_| a.code.clone());
        a.code = aliases.canonical(&n).into_owned();
    }
    let t = store.read(ds)?;
    let index = show_index(&a, &t, &aliases)?;
    let idx_col: &[Option<rotor_data::table::Text>] = if ds == Dataset::Weights {
        t.str_col("index_code")
    } else {
        &[]
    };
    let (keys, srcs) = (t.str_col(key), t.str_col("source"));
    let (src, sources) = show_source(&a, ds, keys, srcs)?;
    let dates = t.date_col(date_col);
    let vals = t.f64_col(&field);
    let series: Vec<(String, f64)> = (0..t.len())
        .filter(|&i| {
            keys[i].as_deref() == Some(a.code.as_str())
                && srcs[i].as_deref() == Some(src.as_str())
                && index
                    .as_deref()
                    .is_none_or(|x| idx_col.get(i).and_then(|c| c.as_deref()) == Some(x))
        })
        .map(|i| {
            (
                dates[i]
                    .map(days_to_date)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                vals[i],
            )
        })
        .collect();
    if ui.json {
        let v: Vec<_> = series.iter().map(|(d, x)| serde_json::json!({"date": d, field.clone(): if x.is_finite() { Some(*x) } else { None }})).collect();
        out!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"series": a.code, "index": index, "source": src, "rows": v})
            )?
        );
        return Ok(0);
    }
    let v: Vec<f64> = series.iter().map(|s| s.1).collect();
    let in_index = index.map(|i| format!(" in {i}")).unwrap_or_default();
    out!(
        "{}{in_index} {} ({ds}, source {src}; all sources: {})",
        a.code,
        field,
        sources
            .iter()
            .map(|(s, n)| format!("{s}:{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    out!(
        "{} .. {}, {} rows",
        series.first().map_or("", |s| &s.0),
        series.last().map_or("", |s| &s.0),
        series.len()
    );
    out!("{}", sparkline(&v, 60));
    let rows: Vec<Vec<String>> = series
        .iter()
        .rev()
        .take(a.last)
        .rev()
        .map(|(d, x)| {
            vec![
                d.clone(),
                if x.is_finite() {
                    // 12 significant digits: no binary noise (0.052310999999999996)
                    let v = format!(
                        "{:.*}",
                        (11 - x.abs().log10().floor().max(0.0) as usize).min(12),
                        x
                    );
                    let v = if v.contains('.') {
                        v.trim_end_matches('0').trim_end_matches('.').to_string()
                    } else {
                        v
                    };
                    v
                } else {
                    "—".into()
                },
            ]
        })
        .collect();
    out!("{}", table(&["date", &field], &rows));
    Ok(0)
}
