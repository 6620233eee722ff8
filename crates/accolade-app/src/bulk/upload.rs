//! Files uploaded in the browser, kept between the upload and the column-mapping step: each
//! in a private directory under a random name tied to its organization, checked on arrival
//! (size, binary content, encoding, width) and previewed (header, first rows, the columns
//! preselected). The dry run reads the file into the import's rows; the file is then deleted.
//!
//! A checked file is also kept in the database ([`App::keep_upload`]): with several servers
//! behind a load balancer, the mapping step may reach another server than the upload, which
//! then writes the file to its own staging directory from there.

use super::ColumnMapping;
use super::parse::{MAX_COLUMNS, guess_mapping, sniff_delimiter};
use crate::{App, AppError, AppResult};
use accolade_core::OrgId;
use accolade_store::StagedFile;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Rows a preview shows.
pub const PREVIEW_ROWS: usize = 5;
/// Characters of a cell a preview shows.
const PREVIEW_CELL_CHARS: usize = 80;
/// Bytes read from the start of a file to check what it is.
const HEAD_BYTES: usize = 64 * 1024;
/// Staged files older than this are deleted when the next one arrives.
const STAGED_LIFETIME: time::Duration = time::Duration::hours(24);

/// A place to write an uploaded file, named by a random token.
#[derive(Debug, Clone)]
pub struct StagedUpload {
    pub token: String,
    pub path: PathBuf,
}

/// The start of a staged file, for the column-mapping step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvPreview {
    pub headers: Vec<String>,
    /// The first [`PREVIEW_ROWS`] rows, cells cut to a readable length.
    pub rows: Vec<Vec<String>>,
    /// The columns found by their usual names (what the mapping step preselects).
    pub guessed: ColumnMapping,
}

fn staging_dir() -> PathBuf {
    std::env::temp_dir().join("accolade-uploads")
}

/// The staged file in `dir`, if there is one (files being written are hidden).
fn local_file(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
}

fn io_error(e: std::io::Error) -> AppError {
    AppError::internal("staging an upload", e)
}

/// The directory of one staged upload; it holds the file under its own (cleaned) name.
fn staged_dir(org: OrgId, token: &str) -> PathBuf {
    staging_dir().join(format!("{org}-{token}"))
}

/// A file name safe to keep: letters, digits, `.`, `-`, `_` and spaces, at most 100
/// characters, never hidden; `upload.csv` if nothing is left.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = base
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect();
    let kept = kept.trim().trim_start_matches('.').to_owned();
    if kept.is_empty() {
        "upload.csv".into()
    } else {
        kept
    }
}

/// A refusal of the uploaded file (the form's `file` field).
fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid_field("file", message)
}

/// Refuses what is clearly not a UTF-8 CSV file, by its first bytes.
pub fn check_head(head: &[u8]) -> AppResult<()> {
    if head.is_empty() {
        return Err(invalid("The file is empty."));
    }
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return Err(invalid(
            "The file is saved as UTF-16 text. Save it as “CSV UTF-8” and upload it again.",
        ));
    }
    if head.contains(&0) {
        return Err(invalid(
            "The file is not a CSV file (perhaps a spreadsheet). Export it as “CSV UTF-8” and \
             upload that.",
        ));
    }
    if let Err(e) = std::str::from_utf8(head) {
        // A character cut by the end of the sample is fine; anything else is not UTF-8.
        if e.error_len().is_some() {
            return Err(invalid(
                "The file is not UTF-8 text (perhaps Latin-1 or Windows-1252). Save it as \
                 “CSV UTF-8” and upload it again.",
            ));
        }
    }
    Ok(())
}

fn preview_cell(cell: &str) -> String {
    let cell = cell.trim();
    let mut out: String = cell.chars().take(PREVIEW_CELL_CHARS).collect();
    if cell.chars().count() > PREVIEW_CELL_CHARS {
        out.push('…');
    }
    out
}

/// Reads the start of a file: checks it, then the header and the first rows.
pub fn preview_file(path: &Path) -> AppResult<CsvPreview> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    File::open(path)
        .map_err(io_error)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io_error)?;
    check_head(&head)?;
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(first_line))
        .flexible(true)
        .has_headers(true)
        .from_reader(BufReader::new(File::open(path).map_err(io_error)?).take(HEAD_BYTES as u64));
    let headers: Vec<String> = csv
        .headers()
        .map_err(|e| {
            invalid(format!(
                "The first row of the file, with the column names, cannot be read ({e})."
            ))
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(invalid("The file is empty or has no row of column names."));
    }
    if headers.len() > MAX_COLUMNS {
        return Err(invalid(format!(
            "The file has {} columns; a recipient list may have at most {MAX_COLUMNS}.",
            headers.len()
        )));
    }
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while rows.len() < PREVIEW_ROWS {
        match csv.read_record(&mut record) {
            Ok(true) => rows.push(record.iter().map(preview_cell).collect()),
            // The sample's end may cut a row; the dry run reads the whole file.
            Ok(false) | Err(_) => break,
        }
    }
    let guessed = guess_mapping(&headers);
    Ok(CsvPreview {
        headers: headers.iter().map(|h| preview_cell(h)).collect(),
        rows,
        guessed,
    })
}

impl App {
    /// A new file for an upload to `org` named `file_name` (cleaned), in a private staging
    /// directory. Staged files older than a day are deleted first.
    pub fn stage_upload(&self, org: OrgId, file_name: &str) -> AppResult<StagedUpload> {
        let dir = staging_dir();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(io_error)?;
        self.delete_stale_uploads(&dir);
        let token = crate::tokens::new_token()?;
        let own = staged_dir(org, &token);
        std::fs::create_dir(&own).map_err(io_error)?;
        Ok(StagedUpload {
            path: own.join(clean_file_name(file_name)),
            token,
        })
    }

    /// Keeps a checked staged file in the database, so that every server of the instance
    /// finds it by its token; files kept longer than a day are deleted first.
    pub async fn keep_upload(&self, org: OrgId, token: &str, staged: &Path) -> AppResult<()> {
        self.store
            .delete_staged_uploads_before(self.now() - STAGED_LIFETIME)
            .await?;
        let file = StagedFile {
            file_name: staged
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| clean_file_name("")),
            content: std::fs::read(staged).map_err(io_error)?,
        };
        self.store
            .insert_staged_upload(token, org, &file, self.now())
            .await?;
        Ok(())
    }

    /// Deletes a staged upload, here and in the database (after its dry run, or when it was
    /// refused).
    pub async fn discard_upload(&self, token: &str, staged: &Path) {
        if let Some(own) = staged.parent().filter(|p| p.starts_with(staging_dir())) {
            let _ = std::fs::remove_dir_all(own);
        }
        if let Err(e) = self.store.delete_staged_upload(token).await {
            tracing::warn!(error = %crate::Chain(&e), "deleting a staged upload failed");
        }
    }

    /// The staged file of `org` named by `token`: this server's copy, else the one kept in
    /// the database, written to this server's staging directory first. `NotFound` for
    /// another organization's, a malformed token or a file already used or deleted.
    pub async fn staged_upload(&self, org: OrgId, token: &str) -> AppResult<PathBuf> {
        let missing = || AppError::NotFound("uploaded file");
        if !crate::tokens::is_token(token) {
            return Err(missing());
        }
        let own = staged_dir(org, token);
        if let Some(path) = local_file(&own) {
            // A copy is good while the database keeps the file: another server may have used
            // (and discarded) it since.
            if self.store.has_staged_upload(org, token).await? {
                return Ok(path);
            }
            let _ = std::fs::remove_dir_all(&own);
            return Err(missing());
        }
        let kept = self
            .store
            .staged_upload(org, token)
            .await?
            .ok_or_else(missing)?;
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&own).map_err(io_error)?;
        // Written under a temporary name and renamed, so that a request racing this one never
        // reads half a file.
        let path = own.join(clean_file_name(&kept.file_name));
        let partial = own.join(format!(".partial-{}", crate::tokens::new_token()?));
        std::fs::write(&partial, &kept.content).map_err(io_error)?;
        std::fs::rename(&partial, &path).map_err(io_error)?;
        Ok(path)
    }

    fn delete_stale_uploads(&self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let cutoff = self.now() - STAGED_LIFETIME;
        for entry in entries.flatten() {
            let modified = entry.metadata().and_then(|m| m.modified());
            if modified.is_ok_and(|m| time::OffsetDateTime::from(m) < cutoff) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_heads_are_refused() {
        assert!(check_head(b"email,name\na@example.com,A\n").is_ok());
        // A multi-byte character cut by the end of the sample is fine.
        assert!(check_head("email\nzoë".as_bytes().split_last().unwrap().1).is_ok());
        for (bad, why) in [
            (&b""[..], "empty"),
            (&[0xff, 0xfe, b'e', 0][..], "UTF-16"),
            (&b"PK\x03\x04\x14\x00\x06\x00"[..], "not a CSV file"),
            (&b"email\nzo\xebl@example.com\n"[..], "not UTF-8"),
        ] {
            let e = check_head(bad).unwrap_err();
            assert_eq!(e.field(), Some("file"));
            assert!(e.message().contains(why), "{e}");
        }
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(
            clean_file_name("C:\\Users\\ada\\learners 2026.csv"),
            "learners 2026.csv"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name(".hidden"), "hidden");
        assert_eq!(clean_file_name("<script>"), "script");
        assert_eq!(clean_file_name("///"), "upload.csv");
    }

    #[test]
    fn preview_guesses_columns() {
        let dir = std::env::temp_dir().join(format!("accolade-preview-{}", OrgId::new()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.csv");
        let long = "y".repeat(200);
        std::fs::write(
            &path,
            format!("Full Name;Work E-Mail;Issue Date\nAda;ada@example.com;2026-01-02\n{long};b@example.com;\n"),
        )
        .unwrap();
        let p = preview_file(&path).unwrap();
        assert_eq!(p.headers, ["Full Name", "Work E-Mail", "Issue Date"]);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[1][0].chars().count(), PREVIEW_CELL_CHARS + 1);
        assert_eq!(p.guessed.email.as_deref(), Some("Work E-Mail"));
        assert_eq!(p.guessed.name.as_deref(), Some("Full Name"));
        assert_eq!(p.guessed.issued_at.as_deref(), Some("Issue Date"));
        let wide = format!("{}\n", vec!["c"; MAX_COLUMNS + 1].join(","));
        std::fs::write(&path, wide).unwrap();
        assert!(preview_file(&path).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
