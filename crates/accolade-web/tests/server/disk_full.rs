//! A full disk under SQLite, through the web: the data directory is a small tmpfs (as root;
//! elsewhere the database's page limit, `PRAGMA max_page_count`, stands in for it), filled
//! to the last byte by another file. Issuing a badge from the workspace form then answers
//! 507 with the page that says the disk is full and nothing was saved; no award is half
//! written (the count is unchanged and the file passes SQLite's integrity check); once the
//! space is freed, the same form post issues the badge, without a restart.

use super::accounts::sign_up;
use super::{Browser, Http, PUBLIC};
use accolade_app::{App, MasterKey};
use accolade_core::{Email, OrgId, Role, SystemClock};
use accolade_store::Store;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// A directory of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "accolade-disk-full-{}-{}",
            std::process::id(),
            accolade_core::AwardId::new()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A tmpfs of `kib` KiB mounted on a directory, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts one on `dir`, if this process may (root, in a namespace that allows it).
    fn mount(dir: &Path, kib: u64) -> Option<Self> {
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| Self(dir.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Writes `path` until the file system has no room left (in ever smaller pieces, down to
/// one byte), so the next write anyone makes there fails.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    let mut piece = 1 << 20;
    while piece > 0 {
        if f.write_all(&vec![0xA5; piece])
            .and_then(|()| f.flush())
            .is_err()
        {
            piece /= 2;
        }
    }
    let _ = f.sync_all();
}

/// The application on the SQLite file `db` with the master key `key`, served; with
/// `pages`, the file may grow by only that many pages (the stand-in for a full disk).
async fn serve(db: &Path, key: &MasterKey, pages: Option<u32>) -> (Arc<App>, Http) {
    let store = match pages {
        Some(n) => accolade_store::testing::open_sqlite_nearly_full(db, n).await,
        None => Store::open_sqlite(db).await,
    }
    .unwrap();
    let config = super::fixture::config(PUBLIC, false);
    let app = App::new(store, Arc::new(SystemClock), config, Some(key.clone()));
    let app = Arc::new(app.with_sign_up_without_email(true));
    let http = Http::new(super::fixture::serve(app.clone()).await);
    (app, http)
}

/// A browser on `http` signed in as `signed_in` is.
fn same_session<'a>(http: &'a Http, signed_in: &Browser<'_>) -> Browser<'a> {
    let mut b = Browser::new(http);
    b.cookies = signed_in.cookies.clone();
    b
}

fn count(app: &App, org: OrgId) -> i64 {
    let rt = tokio::runtime::Handle::current();
    rt.block_on(app.store().count_awards(org)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_answers_507_saves_nothing_and_recovers() {
    let dir = Scratch::new();
    let data = dir.0.join("data");
    std::fs::create_dir(&data).unwrap();
    // Room for the database (about 2 MB after migrations) and its write-ahead log.
    let tmpfs = Tmpfs::mount(&data, 16 * 1024);
    if tmpfs.is_none() {
        eprintln!("note: cannot mount a tmpfs here; the page limit stands in for a full disk");
    }
    let db = data.join("accolade.db");
    let filler = data.join("filler");
    let key = MasterKey::generate().unwrap();
    let (app, http) = serve(&db, &key, None).await;
    let (org, badge) =
        super::fixture::org_with_badge(&app, "Full Disk College", "full", "Free Space").await;
    let issue_url = format!("/dashboard/orgs/full/achievements/{}/issue", badge.id);

    tokio::task::block_in_place(|| {
        let rt = tokio::runtime::Handle::current();
        let (mut ada, csrf) = sign_up(&http, "Ada Lovelace", "ada@example.com");
        let user = rt
            .block_on(
                app.store()
                    .user_by_email(&Email::parse("ada@example.com").unwrap()),
            )
            .unwrap()
            .unwrap();
        rt.block_on(app.add_member_by_operator(&user, org.id, Role::Owner))
            .unwrap();
        let issue = |b: &mut Browser<'_>, n: usize| {
            let email = format!("earner{n}@example.com");
            b.post(
                &issue_url,
                &[("csrf", &csrf), ("email", &email), ("name", "Earner")],
            )
        };
        let first = issue(&mut ada, 0);
        assert_eq!(first.status, 303, "{}", first.body);
        assert_eq!(count(&app, org.id), 1);

        // The disk fills up: by the filler on the tmpfs, or (without one) a server whose
        // database may not grow at all.
        let full = match &tmpfs {
            Some(_) => {
                fill(&filler);
                None
            }
            None => Some(rt.block_on(serve(&db, &key, Some(0)))),
        };
        let (full_app, full_http) = full.as_ref().map_or((&app, &http), |(a, h)| (a, h));
        let mut b = same_session(full_http, &ada);
        // The log may still have room for a few writes; each then issues whole.
        let mut n = 1;
        let refused = loop {
            let before = count(full_app, org.id);
            let r = issue(&mut b, n);
            if r.status != 303 {
                break (r, before, n);
            }
            assert_eq!(count(full_app, org.id), before + 1);
            n += 1;
            assert!(n < 500, "the disk never filled");
        };
        let (r, before, n) = refused;
        assert_eq!(r.status, 507, "{}", r.body);
        assert!(
            r.body.contains("disk is full, so nothing was saved"),
            "{}",
            r.body
        );
        assert!(r.body.contains("operator has to free space"), "{}", r.body);
        assert_eq!(count(full_app, org.id), before, "nothing half-written");
        let problems = rt.block_on(full_app.store().integrity_problems()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");

        // Space again: the same post issues the badge (on the tmpfs, the same server).
        let freed = match full {
            None => {
                std::fs::remove_file(&filler).unwrap();
                None
            }
            Some((full_app, _)) => {
                rt.block_on(full_app.store().close());
                Some(rt.block_on(serve(&db, &key, None)))
            }
        };
        let (app, http) = freed.as_ref().map_or((&app, &http), |(a, h)| (a, h));
        let mut b = same_session(http, &ada);
        let again = issue(&mut b, n);
        assert_eq!(again.status, 303, "{}", again.body);
        let again = b.get(&super::accounts::location(&again));
        assert!(again.body.contains("Issued Free Space"), "{}", again.body);
        assert_eq!(count(app, org.id), before + 1);
        let awards = rt.block_on(app.store().awards(org.id, 500, 0)).unwrap();
        assert!(
            awards
                .iter()
                .any(|a| a.recipient_email.as_str() == format!("earner{n}@example.com"))
        );
    });
}
