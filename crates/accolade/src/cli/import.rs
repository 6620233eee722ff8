//! `accolade import-csv`: bulk issuing from a CSV file, with a dry run and a progress bar.
//! Running it again on the same file resumes an interrupted import and issues nothing twice.

use super::platform::{DEFAULT_PUBLIC_URL, PlatformArgs, block_on};
use accolade_app::bulk::{ColumnMapping, ImportLimits, ImportProgress, ImportReport};
use accolade_app::{App, AppError};
use accolade_core::{AchievementId, Actor};
use anyhow::Context as _;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    /// Achievement id.
    #[arg(long)]
    achievement: String,
    /// The CSV file, header row first (comma-, semicolon- or tab-separated, UTF-8).
    file: PathBuf,
    /// Validate every row and report problems; issue nothing.
    #[arg(long)]
    dry_run: bool,
    /// Which column holds a field: email=COLUMN, name=COLUMN, issued_at=COLUMN, or
    /// field.KEY=COLUMN for the badge's custom field KEY (repeatable; default: the usual
    /// header names, and each custom field's key or label).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    map: Vec<String>,
    /// Write every skipped or invalid row to this CSV file.
    #[arg(long, value_name = "FILE")]
    errors_csv: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

fn mapping(pairs: &[String]) -> anyhow::Result<ColumnMapping> {
    let mut m = ColumnMapping::default();
    for pair in pairs {
        let (field, column) = pair
            .split_once('=')
            .with_context(|| format!("--map {pair:?}: expected FIELD=COLUMN"))?;
        let slot = match field.trim() {
            "email" => &mut m.email,
            "name" => &mut m.name,
            "issued_at" => &mut m.issued_at,
            other => match other.strip_prefix("field.") {
                Some(key) if !key.is_empty() => {
                    m.fields.insert(key.to_owned(), column.trim().to_owned());
                    continue;
                }
                _ => anyhow::bail!(
                    "--map {other}=…: the fields are email, name and issued_at, \
                     and field.KEY for a custom field"
                ),
            },
        };
        *slot = Some(column.trim().to_owned());
    }
    Ok(m)
}

fn print_report(r: &ImportReport, json_out: bool) {
    let i = &r.import;
    if json_out {
        let issues: Vec<_> = r
            .issues
            .iter()
            .map(|row| json!({"row": row.row_number, "email": row.email, "outcome": row.state.as_str(), "problem": row.error}))
            .collect();
        let out = json!({
            "import": i.id.to_string(), "state": i.state.as_str(), "resumed": r.resumed,
            "rows": i.total_rows, "issued": i.issued_rows, "skipped": i.skipped_rows,
            "errors": i.error_rows, "columns": r.columns, "issues": issues,
        });
        outln!("{out:#}");
        return;
    }
    if r.resumed {
        eprintln!("an unfinished import of the same file exists: resuming it");
    }
    let to_issue = i.total_rows - i.issued_rows - i.skipped_rows - i.error_rows;
    let fields: String = r
        .columns
        .fields
        .iter()
        .map(|(key, column)| format!(", field.{key}={column:?}"))
        .collect();
    outln!(
        "import {} of {} ({} rows; columns: email={:?}, name={:?}, issued_at={:?}{fields})\n  \
         to issue: {to_issue}  already issued: {}  skipped (duplicates): {}  errors: {}",
        i.id,
        i.file_name,
        i.total_rows,
        r.columns.email,
        r.columns.name.as_deref().unwrap_or("-"),
        r.columns.issued_at.as_deref().unwrap_or("-"),
        i.issued_rows,
        i.skipped_rows,
        i.error_rows,
    );
    for row in &r.issues {
        outln!(
            "  row {:>7}  {:<7}  {}: {}",
            row.row_number,
            row.state.as_str(),
            row.email.as_deref().unwrap_or("(no email)"),
            row.error.as_deref().unwrap_or_default()
        );
    }
    let shown = r.issues.len() as i64;
    if i.skipped_rows + i.error_rows > shown {
        outln!("  … and more: --errors-csv FILE writes them all");
    }
}

/// A progress bar on a terminal; plain lines otherwise (logs, tests).
fn reporter(json_out: bool) -> impl FnMut(ImportProgress) + Send {
    let terminal = std::io::stderr().is_terminal() && !json_out;
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  eta {eta}  {msg}")
    {
        bar.set_style(style);
    }
    move |p: ImportProgress| {
        if terminal {
            bar.set_length(p.total.max(0) as u64);
            bar.set_position(p.done().max(0) as u64);
            bar.set_message(format!("issued {}", p.issued));
            if p.done() >= p.total {
                bar.finish();
            }
        } else {
            eprintln!(
                "progress: {}/{} issued {} skipped {} errors {}",
                p.done(),
                p.total,
                p.issued,
                p.skipped,
                p.errors
            );
        }
    }
}

async fn run(app: Arc<App>, a: &ImportCsvArgs) -> anyhow::Result<ExitCode> {
    let achievement: AchievementId = a
        .achievement
        .parse()
        .with_context(|| format!("{:?} is not an achievement id", a.achievement))?;
    let report = app
        .import_csv(
            &Actor::cli(),
            achievement,
            &a.file,
            &mapping(&a.map)?,
            ImportLimits::default(),
        )
        .await?;
    if a.dry_run || !a.json {
        print_report(&report, a.json);
    }
    let id = report.import.id;
    if let Some(path) = &a.errors_csv {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let n = app
            .write_import_issues_csv(id, std::io::BufWriter::new(file))
            .await?;
        eprintln!("{n} skipped or invalid rows written to {}", path.display());
    }
    if a.dry_run {
        eprintln!("dry run: nothing issued (run again without --dry-run to issue)");
        let clean = report.import.error_rows == 0;
        return Ok(if clean {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let started = std::time::Instant::now();
    app.start_import(&Actor::cli(), id).await?;
    let done = match app.run_import(id, true, reporter(a.json)).await {
        Ok(done) => done,
        Err(AppError::StatusListFull) => anyhow::bail!(
            "the organization's status list is full; the rows issued so far stay issued"
        ),
        Err(e) => return Err(e.into()),
    };
    let seconds = started.elapsed().as_secs_f64();
    if a.json {
        let out = json!({
            "import": done.id.to_string(), "state": done.state.as_str(), "rows": done.total_rows,
            "issued": done.issued_rows, "skipped": done.skipped_rows, "errors": done.error_rows,
            "seconds": seconds,
        });
        outln!("{out:#}");
    } else {
        outln!(
            "done: {} issued, {} skipped, {} errors of {} rows ({seconds:.1} s)",
            done.issued_rows,
            done.skipped_rows,
            done.error_rows,
            done.total_rows
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn import_csv(p: &PlatformArgs, a: &ImportCsvArgs) -> anyhow::Result<ExitCode> {
    block_on(async {
        let app = p.open(DEFAULT_PUBLIC_URL).await?;
        run(app, a).await
    })?
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;

    #[test]
    fn custom_fields_are_mapped_by_key() {
        let m = mapping(&["email=Mail".into(), "field.grade = Note ".into()]).unwrap();
        assert_eq!(m.email.as_deref(), Some("Mail"));
        assert_eq!(m.fields.get("grade").map(String::as_str), Some("Note"));
        let refused = mapping(&["colour=Mail".into()]).unwrap_err().to_string();
        assert!(
            refused.contains("field.KEY for a custom field"),
            "{refused}"
        );
        assert!(mapping(&["field.=Mail".into()]).is_err());
    }
}
