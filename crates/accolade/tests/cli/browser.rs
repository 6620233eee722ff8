//! The issuer's, earner's and verifier's journeys in a real headless Chromium
//! (interop/browser/journeys.mjs) against `accolade serve` on a fresh SQLite data directory.
//! Run when ACCOLADE_BROWSER=1, as `scripts/test.sh` does after making sure Chromium is
//! installed.

use super::{Tmp, workspace};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_until_up(port: u16) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("accolade serve did not start listening on port {port} within 60 s");
}

#[test]
fn journeys_in_headless_chromium() {
    if !accolade_testkit::gate::require_flag(
        "ACCOLADE_BROWSER",
        "the headless Chromium journeys",
        "needs Chromium (ACCOLADE_CHROMIUM) and `npm ci` in interop/; scripts/test.sh does all",
    ) {
        return;
    }
    let tmp = Tmp::new("browser");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_accolade"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--data-dir", tmp.0.to_str().unwrap(), "--public-url", &base])
            // No mail here: the journeys sign up through the form, opened for them.
            .arg("--signup-without-email")
            .env_remove("ACCOLADE_SMTP_URL")
            .env_remove("ACCOLADE_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    wait_until_up(port);
    let interop = workspace().join("interop");
    assert!(
        interop.join("node_modules/puppeteer-core").exists(),
        "run `npm ci` in interop/ first (scripts/test.sh does)"
    );
    let out = Command::new("node")
        .arg(interop.join("browser/journeys.mjs"))
        .arg(&base)
        .env(
            "ACCOLADE_BROWSER_ARTIFACTS",
            std::env::temp_dir().join("accolade-browser-artifacts"),
        )
        .current_dir(tmp.0.clone())
        .output()
        .expect("node is required for the browser journeys");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser journeys failed:\n{stdout}\n{stderr}"
    );
}
