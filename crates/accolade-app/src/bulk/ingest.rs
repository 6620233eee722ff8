//! Ingesting a file: hash it, read and validate its rows on a blocking thread, store them in
//! batches as they come (a bounded channel between the two keeps memory flat).

use super::parse::{RowReader, RowRules, sniff_delimiter};
use super::{ColumnMapping, ImportLimits, ImportReport, REPORT_ISSUES, ResolvedColumns};
use crate::{App, AppError, AppResult};
use accolade_core::{AchievementId, Actor, ImportId};
use accolade_store::{Import, ImportState, NewImportRow};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Rows stored per batch while ingesting.
const INGEST_BATCH: usize = 2000;
/// How long an ingest may run before another process may delete what it left.
const INGEST_LEASE: time::Duration = time::Duration::minutes(30);

enum Ingested {
    Header {
        sha256: String,
        columns: ResolvedColumns,
    },
    Rows(Vec<NewImportRow>),
}

fn io_error(path: &Path, e: std::io::Error) -> AppError {
    AppError::invalid_field("file", format!("{} cannot be read ({e}).", path.display()))
}

fn sha256_file(path: &Path) -> AppResult<String> {
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(|e| io_error(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The blocking side: hash, then stream validated rows in batches into `tx`.
fn read_file(
    path: &Path,
    mapping: &ColumnMapping,
    rules: RowRules,
    tx: &tokio::sync::mpsc::Sender<Ingested>,
) -> AppResult<()> {
    let sha256 = sha256_file(path)?;
    let mut buffered =
        BufReader::with_capacity(64 * 1024, File::open(path).map_err(|e| io_error(path, e))?);
    let head = buffered.fill_buf().map_err(|e| io_error(path, e))?;
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = sniff_delimiter(first_line);
    let mut rows = RowReader::new(buffered, delimiter, mapping, rules)?;
    let header = Ingested::Header {
        sha256,
        columns: rows.columns().clone(),
    };
    if tx.blocking_send(header).is_err() {
        return Ok(()); // the receiver needs no rows (an unfinished import was found)
    }
    let mut batch = Vec::with_capacity(INGEST_BATCH);
    while let Some(row) = rows.next_row()? {
        batch.push(row);
        if batch.len() == INGEST_BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(INGEST_BATCH));
            if tx.blocking_send(Ingested::Rows(full)).is_err() {
                return Ok(());
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.blocking_send(Ingested::Rows(batch));
    }
    Ok(())
}

impl App {
    /// Reads, validates and stores a CSV file of recipients for `achievement_id` as a `Draft`
    /// import, and reports on it (the dry run). Nothing is issued until
    /// [`App::run_import`]. If an unfinished import of the same file (by SHA-256) with the
    /// same columns exists, that one is reported (`resumed`) and nothing is stored again.
    /// A new import is audited as `import.upload`.
    pub async fn import_csv(
        &self,
        actor: &Actor,
        achievement_id: AchievementId,
        path: &Path,
        mapping: &ColumnMapping,
        limits: ImportLimits,
    ) -> AppResult<ImportReport> {
        let achievement = self.achievement(achievement_id).await?;
        let size = std::fs::metadata(path)
            .map_err(|e| io_error(path, e))?
            .len();
        if size > limits.max_file_bytes {
            return Err(AppError::invalid_field(
                "file",
                format!(
                    "{} is {} MB, larger than the limit of {} MB. Split it into smaller files.",
                    path.display(),
                    size.div_ceil(1 << 20),
                    limits.max_file_bytes >> 20
                ),
            ));
        }
        let now = self.now();
        let rules = RowRules {
            now,
            expiry: achievement.expiry,
            limits,
            fields: achievement.custom_fields.clone(),
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let reader = spawn_reader(path.to_owned(), mapping.clone(), rules, tx);

        let Some(Ingested::Header { sha256, columns }) = rx.recv().await else {
            return Err(reader_error(reader).await);
        };
        let mapping_json = serde_json::to_string(&columns)
            .map_err(|e| AppError::internal("serializing the column mapping", e))?;
        if let Some(import) = self
            .store
            .unfinished_import_of(achievement_id, &sha256, &mapping_json)
            .await?
        {
            drop(rx);
            let _ = reader.await;
            return self.report(import, true, columns).await;
        }
        self.store.delete_stale_ingests(now).await?;
        let import = Import {
            id: ImportId::new(),
            org_id: achievement.org_id,
            achievement_id,
            file_name: file_name(path),
            source_sha256: sha256,
            mapping: mapping_json,
            state: ImportState::Ingesting,
            total_rows: 0,
            issued_rows: 0,
            skipped_rows: 0,
            error_rows: 0,
            lease_owner: Some("ingest".into()),
            lease_until: Some(now + INGEST_LEASE),
            created_at: now,
            finished_at: None,
        };
        self.store.insert_import(&import).await?;
        let stored = self.store_rows(&import, &mut rx).await;
        drop(rx);
        let read = reader
            .await
            .map_err(|e| AppError::internal("the CSV reader stopped", e))
            .and_then(|r| r);
        if let Err(e) = stored.and(read) {
            self.store.delete_unissued_import(import.id).await?;
            return Err(e);
        }
        let import = self.store.finish_ingest(import.id).await?;
        let detail = format!(
            "{}: {} rows, {} skipped, {} invalid",
            import.file_name, import.total_rows, import.skipped_rows, import.error_rows
        );
        self.audit(
            import.org_id,
            actor,
            "import.upload",
            &import.id.to_string(),
            &detail,
        )
        .await?;
        self.report(import, false, columns).await
    }

    async fn store_rows(
        &self,
        import: &Import,
        rx: &mut tokio::sync::mpsc::Receiver<Ingested>,
    ) -> AppResult<()> {
        while let Some(message) = rx.recv().await {
            if let Ingested::Rows(rows) = message {
                self.store.insert_import_rows(import, &rows).await?;
            }
        }
        Ok(())
    }

    /// The report of an import: its counts and first problem rows.
    pub async fn import_report(&self, id: ImportId) -> AppResult<ImportReport> {
        let import = self.import(id).await?;
        let columns = serde_json::from_str(&import.mapping).unwrap_or_default();
        self.report(import, false, columns).await
    }

    /// The import's skipped and invalid rows in row order: `limit` of them after row
    /// `after_row` (0 for the first).
    pub async fn import_issues(
        &self,
        id: ImportId,
        after_row: i64,
        limit: i64,
    ) -> AppResult<Vec<accolade_store::ImportRow>> {
        Ok(self
            .store
            .import_rows(id, true, after_row.max(0), limit.max(0))
            .await?)
    }

    pub async fn import(&self, id: ImportId) -> AppResult<Import> {
        self.store
            .import(id)
            .await?
            .ok_or(AppError::NotFound("import"))
    }

    /// Deletes an import that has issued nothing (a dry run not followed up), audited as
    /// `import.discard`.
    pub async fn discard_import(&self, actor: &Actor, id: ImportId) -> AppResult<()> {
        let import = self.import(id).await?;
        if self.store.delete_unissued_import(id).await? {
            self.audit(
                import.org_id,
                actor,
                "import.discard",
                &id.to_string(),
                &import.file_name,
            )
            .await
        } else {
            Err(AppError::Conflict(
                "Only a file that has not started issuing can be discarded.".into(),
            ))
        }
    }

    async fn report(
        &self,
        import: Import,
        resumed: bool,
        columns: ResolvedColumns,
    ) -> AppResult<ImportReport> {
        let issues = self
            .store
            .import_rows(import.id, true, 0, REPORT_ISSUES as i64)
            .await?;
        Ok(ImportReport {
            import,
            resumed,
            columns,
            issues,
        })
    }
}

fn spawn_reader(
    path: PathBuf,
    mapping: ColumnMapping,
    rules: RowRules,
    tx: tokio::sync::mpsc::Sender<Ingested>,
) -> tokio::task::JoinHandle<AppResult<()>> {
    tokio::task::spawn_blocking(move || read_file(&path, &mapping, rules, &tx))
}

async fn reader_error(reader: tokio::task::JoinHandle<AppResult<()>>) -> AppError {
    match reader.await {
        Ok(Err(e)) => e,
        Ok(Ok(())) => AppError::internal_msg("the CSV reader sent no header"),
        Err(e) => AppError::internal("the CSV reader stopped", e),
    }
}

fn file_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.chars().take(255).collect()
}
