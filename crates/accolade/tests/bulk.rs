//! `accolade import-csv` killed with SIGKILL in the middle of a bulk issue, then run again:
//! every row is issued exactly once, none lost, none doubled, and every credential verifies
//! (fault F1 of the project's security list). A third run of the same file issues nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use accolade_app::{App, AppConfig, MasterKey, PublicUrl};
use accolade_core::{Email, SystemClock};
use accolade_credentials::verify::Verdict;
use accolade_net::FetchPolicy;
use accolade_store::{RowState, Store};
use serde_json::Value;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

const PUBLIC_URL: &str = "https://badges.example.org";
/// More than two chunks of the import (2,000 rows each), so the kill lands between them.
const ROWS: usize = 4100;
const BAD_ROW: usize = 1500;

struct Tmp(PathBuf);
impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn accolade(data: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("ACCOLADE_DATABASE_URL")
        .env_remove("ACCOLADE_MASTER_KEY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "accolade {args:?} failed: {stderr}");
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Starts an import, waits until at least one chunk is committed (and not all), then kills
/// the process with SIGKILL. Returns the rows it had reported issued.
fn import_and_kill(data: &Path, achievement: &str, csv: &Path) -> i64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accolade"))
        .arg("--data-dir")
        .arg(data)
        .args(["import-csv", "--achievement", achievement])
        .arg(csv)
        .env_remove("ACCOLADE_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut issued = 0;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        // "progress: DONE/TOTAL issued N skipped N errors N"
        let Some(rest) = line.strip_prefix("progress: ") else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        issued = words[2].parse().unwrap();
        if issued > 0 {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt as _;
    assert_eq!(status.signal(), Some(9), "the import ended before the kill");
    assert!(
        issued > 0 && issued < (ROWS - 1) as i64,
        "killed at {issued}"
    );
    issued
}

#[test]
fn kill_9_midway_then_resume_issues_each_row_once() {
    let tmp = Tmp(std::env::temp_dir().join(format!("accolade-bulk-kill-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&tmp.0);
    std::fs::create_dir_all(&tmp.0).unwrap();
    let data = tmp.0.join("data");
    let org = json(&accolade(
        &data,
        &[
            "--public-url",
            PUBLIC_URL,
            "org",
            "create",
            "--name",
            "Acme Academy",
        ]
        .into_iter()
        .chain(["--url", "https://acme.example", "--json"])
        .collect::<Vec<_>>(),
    ));
    let achievement = json(&accolade(
        &data,
        &[
            "achievement",
            "create",
            "--org",
            "acme-academy",
            "--name",
            "First Aid",
            "--description",
            "Workplace first aid.",
            "--criteria",
            "Pass the assessment.",
            "--json",
        ],
    ));
    let achievement = achievement["id"].as_str().unwrap().to_owned();
    let mut csv = String::from("Email Address,Full Name\n");
    let mut expected = HashSet::new();
    for k in 0..ROWS {
        if k == BAD_ROW {
            csv.push_str("not-an-address,Bad Row\n");
        } else {
            let email = format!("learner{k}@example.org");
            csv.push_str(&format!("{email},Learner {k}\n"));
            expected.insert(email);
        }
    }
    let file = tmp.0.join("learners.csv");
    std::fs::write(&file, csv).unwrap();

    let started = std::time::Instant::now();
    let killed_at = import_and_kill(&data, &achievement, &file);
    eprintln!("killed after {killed_at} rows were reported issued");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store = runtime
        .block_on(Store::open_sqlite(&data.join("accolade.db")))
        .unwrap();
    let org_id = org["id"].as_str().unwrap().parse().unwrap();
    // What the killed process left is consistent: awards exist exactly for issued rows.
    let import_id = runtime.block_on(store.running_imports()).unwrap()[0];
    let rows = runtime
        .block_on(store.import_rows(import_id, false, 0, 10_000))
        .unwrap();
    let issued_rows = rows.iter().filter(|r| r.state == RowState::Issued).count() as i64;
    assert!(issued_rows >= killed_at);
    assert_eq!(
        runtime.block_on(store.count_awards(org_id)).unwrap(),
        issued_rows
    );

    eprintln!("{:?}: run again", started.elapsed());
    // Run again: it waits for the dead process's lease to end, then resumes.
    let out = json(&accolade(
        &data,
        &["import-csv", "--achievement", &achievement, "--json"]
            .into_iter()
            .chain([file.to_str().unwrap()])
            .collect::<Vec<_>>(),
    ));
    assert_eq!(out["import"], import_id.to_string(), "{out}");
    assert_eq!(out["state"], "done");
    assert_eq!(out["issued"], (ROWS - 1) as i64);
    assert_eq!(
        (out["errors"].as_i64(), out["skipped"].as_i64()),
        (Some(1), Some(0))
    );

    eprintln!("{:?}: resumed and done; verifying", started.elapsed());
    // Exactly one award per row, to the right people, and every credential verifies.
    let awards = runtime.block_on(store.awards(org_id, 100_000, 0)).unwrap();
    assert_eq!(awards.len(), ROWS - 1);
    let emails: HashSet<String> = awards
        .iter()
        .map(|a| a.recipient_email.as_str().to_owned())
        .collect();
    assert_eq!(emails, expected);
    let indices: HashSet<u32> = awards.iter().map(|a| a.status_index).collect();
    assert_eq!(indices.len(), ROWS - 1);
    let config = AppConfig {
        public_url: PublicUrl::parse(PUBLIC_URL).unwrap(),
        fetch_policy: FetchPolicy::default(),
        http_for_loopback: false,
    };
    // With the master key the instance signs its status lists; without it the revocation
    // list could not be served, and no credential could be reported valid.
    let master = MasterKey::load(&data, None).unwrap();
    assert!(master.is_some(), "the CLI made a master key in {data:?}");
    let app = Arc::new(App::new(
        store.clone(),
        Arc::new(SystemClock),
        config,
        master,
    ));
    // Verified two at a time (one per core): unbounded parallel verification on a loaded
    // machine only measures the scheduler.
    let invalid: Vec<String> = runtime.block_on(async {
        let halves: Vec<Vec<_>> = awards
            .chunks(awards.len().div_ceil(2))
            .map(<[_]>::to_vec)
            .collect();
        let workers: Vec<_> = halves
            .into_iter()
            .map(|half| {
                let app = app.clone();
                tokio::spawn(async move {
                    let mut invalid = Vec::new();
                    for a in half {
                        let email = Email::parse(a.recipient_email.as_str()).ok();
                        let credential = app.award_by_id(a.id).await.unwrap().credential;
                        let report = app.verify(credential.into_bytes(), email).await;
                        if report.verdict != Verdict::Valid {
                            invalid.push(format!("{}: {report:#?}", a.id));
                        }
                    }
                    invalid
                })
            })
            .collect();
        let mut invalid = Vec::new();
        for worker in workers {
            match worker.await {
                Ok(found) => invalid.extend(found),
                Err(e) => invalid.push(format!("verification task failed: {e}")),
            }
        }
        invalid
    });
    assert!(
        invalid.is_empty(),
        "{} invalid: {:?}",
        invalid.len(),
        invalid.first()
    );

    eprintln!("{:?}: verified", started.elapsed());
    // The same file a third time: nothing is issued twice.
    let again = json(&accolade(
        &data,
        &[
            "import-csv",
            "--achievement",
            &achievement,
            "--json",
            file.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        (again["issued"].as_i64(), again["skipped"].as_i64()),
        (Some(0), Some((ROWS - 1) as i64))
    );
    assert_eq!(
        runtime.block_on(store.count_awards(org_id)).unwrap(),
        (ROWS - 1) as i64
    );
}
