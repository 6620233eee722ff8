//! Logs and metrics of a real `accolade serve`: the metrics listener after real actions
//! (issue through the workspace, view the page, verify it), read with the reference
//! Prometheus parser (`interop/py/metrics.py`, when ACCOLADE_PYTHON is set); `/metrics` on
//! the main listener off, or behind its bearer token; and request ids, made here or kept
//! from a trusted proxy, echoed and found in the request log.

use super::*;
use std::io::Read as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

struct Server {
    child: std::process::Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The log lines written so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `serve` with `args` on a free port, its log (standard error) in `dir/serve.log`;
/// returns once it answers, with what it printed up to the verify line.
fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Server, Vec<String>) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log = dir.join("serve.log");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accolade"));
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--data-dir", dir.join("data").to_str().unwrap()])
        .args(["--public-url", &base])
        .args(args)
        .env_remove("ACCOLADE_SMTP_URL")
        .env_remove("ACCOLADE_DATABASE_URL")
        .env_remove("ACCOLADE_DEMO")
        .env_remove("ACCOLADE_LOG")
        .env_remove("RUST_LOG")
        .env_remove("ACCOLADE_LOG_FORMAT")
        .env_remove("ACCOLADE_METRICS_TOKEN")
        .env_remove("ACCOLADE_METRICS_LISTEN")
        .env_remove("ACCOLADE_TRUSTED_PROXIES")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let out = child.stdout.take().unwrap();
    let server = Server { child, port, log };
    let mut lines = Vec::new();
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        let done = line.starts_with("Verify any badge at");
        lines.push(line);
        if done {
            break;
        }
    }
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not listening: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, lines)
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with `headers` and an optional `(content type, body)`.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> Reply {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some((content_type, b)) = body {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    if let Some((_, b)) = body {
        s.write_all(b).unwrap();
    }
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a reply head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&raw[..eol])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 2 + size + 2..];
    }
}

fn get(port: u16, path: &str, headers: &[(&str, &str)]) -> Reply {
    http(port, "GET", path, headers, None)
}

/// The first `…{prefix}{value}"` in `html`: the value up to the next quote.
fn attribute_after<'a>(html: &'a str, prefix: &str) -> Option<&'a str> {
    let start = html.find(prefix)? + prefix.len();
    html[start..].split('"').next()
}

/// One sample as the reference parser read it.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: Value,
    value: f64,
}

/// Reads the exposition with prometheus_client's parser; `None` when ACCOLADE_PYTHON is
/// not set (skipped visibly; a failure under CI).
fn parse_with_prometheus_client(text: &str) -> Option<Vec<Sample>> {
    let python = accolade_testkit::gate::require_var(
        "ACCOLADE_PYTHON",
        "parsing /metrics with prometheus_client",
        "a Python with interop/py/requirements.txt; scripts/test.sh sets it",
    )?;
    let mut child = Command::new(python)
        .arg(workspace().join("interop/py/metrics.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "prometheus_client rejected the exposition: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                Sample {
                    name: v["name"].as_str().unwrap().to_owned(),
                    labels: v["labels"].clone(),
                    value: v["value"].as_f64().unwrap(),
                }
            })
            .collect(),
    )
}

/// The value of the sample `name` whose labels include `labels`; `None` if there is none.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && labels.iter().all(|(k, v)| s.labels[*k] == *v))
        .map(|s| s.value)
}

#[test]
fn the_metrics_listener_counts_real_actions_and_requests_are_logged_with_their_id() {
    let tmp = Tmp::new("metrics-listen");
    let metrics_port = free_port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let (server, lines) = start(
        &tmp.0,
        &["--demo", "--metrics-listen", &metrics_addr],
        &[("ACCOLADE_LOG_FORMAT", "json"), ("ACCOLADE_LOG", "info")],
    );
    let port = server.port;
    assert!(
        lines.contains(&format!("Metrics at http://{metrics_addr}/metrics")),
        "{lines:#?}"
    );
    let before = get(metrics_port, "/metrics", &[]);
    assert_eq!(before.status, 200, "{}", before.body);
    assert!(
        before
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")),
        "{:?}",
        before.headers
    );

    // Issue a badge through the workspace, as the demo organization's owner.
    let email = super::demo::printed(&lines, "email");
    let password = super::demo::printed(&lines, "password");
    let (status, session, _) = super::demo::sign_in(port, &email, &password);
    assert_eq!(status, 303);
    let session = session.expect("a session cookie");
    let slug = lines
        .iter()
        .find_map(|l| l.split("/issuers/").nth(1))
        .unwrap()
        .trim()
        .to_owned();
    let achievements = get(
        port,
        &format!("/dashboard/orgs/{slug}/achievements"),
        &[("Cookie", &session), ("Accept", "text/html")],
    );
    assert_eq!(achievements.status, 200, "{}", achievements.body);
    let prefix = format!("/dashboard/orgs/{slug}/achievements/");
    let form_path = achievements
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|h| h.starts_with(&prefix) && h.ends_with("/issue"))
        .unwrap_or_else(|| panic!("no issue link: {}", achievements.body))
        .to_owned();
    let form_page = get(
        port,
        &form_path,
        &[("Cookie", &session), ("Accept", "text/html")],
    );
    assert_eq!(form_page.status, 200, "{}", form_page.body);
    let csrf = attribute_after(&form_page.body, "name=\"csrf\" value=\"")
        .expect("a form token")
        .to_owned();
    let body = super::demo::form(&[
        ("csrf", &csrf),
        ("email", "metrics.learner@example.org"),
        ("name", "Metrics Learner"),
    ]);
    let issued = http(
        port,
        "POST",
        &form_path,
        &[("Cookie", &session), ("Accept", "text/html")],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(issued.status, 303, "{}", issued.body);
    let to = issued
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.clone())
        .expect("redirected after the issue");
    let issued = get(port, &to, &[("Cookie", &session), ("Accept", "text/html")]);
    assert_eq!(issued.status, 200, "{}", issued.body);
    let award = attribute_after(&issued.body, "href=\"/credentials/")
        .expect("a link to the new credential")
        .to_owned();

    // View its page twice (rendered, then kept) and verify it on the verify page.
    let page_path = format!("/credentials/{award}");
    for _ in 0..2 {
        let page = get(port, &page_path, &[("Accept", "text/html")]);
        assert_eq!(page.status, 200, "{}", page.body);
    }
    let credential = get(port, &page_path, &[("Accept", "application/ld+json")]);
    assert_eq!(credential.status, 200, "{}", credential.body);
    let boundary = "accolade-metrics-boundary";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"input\"\r\n\r\n{}\r\n--{boundary}--\r\n",
        credential.body
    );
    let verified = http(
        port,
        "POST",
        "/verify",
        &[("Accept", "text/html")],
        Some((
            &format!("multipart/form-data; boundary={boundary}"),
            multipart.as_bytes(),
        )),
    );
    assert_eq!(verified.status, 200, "{}", verified.body);
    // The verdict is read from the metrics below (valid, from a submitted document).
    assert!(verified.body.contains("id=\"result\""), "{}", verified.body);

    // Off on the main listener: it serves /metrics to nobody.
    assert_eq!(get(port, "/metrics", &[]).status, 404);

    // An id sent by a client that is not a trusted proxy is replaced, echoed and logged.
    let health = get(port, "/healthz", &[("X-Request-Id", "chosen-by-client")]);
    assert_eq!(health.status, 200);
    let id = health
        .header("x-request-id")
        .expect("an x-request-id")
        .to_owned();
    assert_ne!(id, "chosen-by-client");
    assert!(accolade_web_id(&id), "{id}");

    // The view events are written in the background: scrape until they are counted.
    let started = Instant::now();
    let text = loop {
        let scraped = get(metrics_port, "/metrics", &[]);
        assert_eq!(scraped.status, 200);
        if scraped.body.lines().any(|l| {
            l.starts_with("accolade_analytics_events_recorded_total ") && !l.ends_with(" 0")
        }) || started.elapsed() > Duration::from_secs(10)
        {
            break scraped.body;
        }
        std::thread::sleep(Duration::from_millis(200));
    };

    // The request log: one JSON line per request, with the id the client was sent.
    let log = server.log();
    let requests: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["target"] == "accolade::http")
        .collect();
    let health_line = requests
        .iter()
        .find(|l| l["request_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no request line with id {id}: {log}"));
    assert_eq!(health_line["method"], "GET");
    assert_eq!(health_line["route"], "/healthz");
    assert_eq!(health_line["status"], 200);
    assert_eq!(health_line["level"], "INFO");
    assert!(health_line["latency_ms"].is_number(), "{health_line}");
    // Routes, not paths: the award id is not in the log.
    assert!(
        requests.iter().any(|l| l["route"] == "/credentials/{id}"),
        "{log}"
    );
    assert!(!log.contains(&award), "the award id was logged: {log}");

    let Some(samples) = parse_with_prometheus_client(&text) else {
        return;
    };
    let at_least = |name: &str, labels: &[(&str, &str)], min: f64| {
        let v = value(&samples, name, labels)
            .unwrap_or_else(|| panic!("no sample {name} {labels:?} in:\n{text}"));
        assert!(v >= min, "{name} {labels:?} = {v}, expected at least {min}");
    };
    let before_samples = parse_with_prometheus_client(&before.body).unwrap();
    let issued_before = value(
        &before_samples,
        "accolade_credentials_issued_total",
        &[("path", "single")],
    )
    .unwrap_or(0.0);
    at_least(
        "accolade_credentials_issued_total",
        &[("path", "single")],
        issued_before + 1.0,
    );
    let route = [
        ("route", "/credentials/{id}"),
        ("status", "200"),
        ("method", "GET"),
    ];
    at_least("accolade_http_requests_total", &route, 3.0);
    at_least("accolade_http_request_duration_seconds_count", &route, 3.0);
    at_least(
        "accolade_http_request_duration_seconds_bucket",
        &[
            ("route", "/credentials/{id}"),
            ("status", "200"),
            ("le", "+Inf"),
        ],
        3.0,
    );
    at_least(
        "accolade_http_requests_total",
        &[("route", "unmatched"), ("status", "404")],
        1.0,
    );
    at_least(
        "accolade_verifications_total",
        &[("source", "submitted"), ("verdict", "valid")],
        1.0,
    );
    at_least(
        "accolade_credential_page_cache_total",
        &[("result", "miss")],
        1.0,
    );
    at_least(
        "accolade_credential_page_cache_total",
        &[("result", "hit")],
        1.0,
    );
    at_least("accolade_analytics_events_recorded_total", &[], 2.0);
    at_least("accolade_analytics_queue_events", &[], 0.0);
    at_least("accolade_job_queue_depth", &[("state", "queued")], 0.0);
    // The demo's and the new award's emails wait in the outbox (no SMTP).
    let outbox: f64 = ["queued", "unsent", "sent", "failed"]
        .iter()
        .map(|s| value(&samples, "accolade_outbox_messages", &[("state", s)]).unwrap())
        .sum();
    assert!(outbox >= 1.0, "{text}");
    at_least("accolade_db_pool_connections", &[], 1.0);
    at_least("accolade_db_pool_idle_connections", &[], 0.0);
    at_least("accolade_db_pool_max_connections", &[], 1.0);
    assert!(
        value(&samples, "accolade_analytics_events_dropped_total", &[]).is_none_or(|v| v == 0.0),
        "{text}"
    );
}

/// The form of an id the server makes: 16 hex digits.
fn accolade_web_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn metrics_on_the_main_listener_need_the_token_and_trusted_proxies_keep_their_request_ids() {
    let tmp = Tmp::new("metrics-token");
    let (server, _) = start(
        &tmp.0,
        &["--trusted-proxy", "127.0.0.1"],
        &[("ACCOLADE_METRICS_TOKEN", "s3cret-scrape-token")],
    );
    let port = server.port;
    let none = get(port, "/metrics", &[]);
    assert_eq!(none.status, 401);
    assert!(none.header("www-authenticate").is_some());
    assert!(!none.body.contains("accolade_"), "{}", none.body);
    let wrong = get(
        port,
        "/metrics",
        &[("Authorization", "Bearer s3cret-scrape-tokeN")],
    );
    assert_eq!(wrong.status, 401);
    let ok = get(
        port,
        "/metrics",
        &[("Authorization", "Bearer s3cret-scrape-token")],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(
        ok.body
            .contains("# TYPE accolade_http_requests_total counter"),
        "{}",
        ok.body
    );
    // The refused scrapes were counted like any request.
    assert!(
        ok.body.contains(
            "accolade_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"401\"} 2"
        ),
        "{}",
        ok.body
    );

    // The peer (127.0.0.1) is a trusted proxy: its well-formed id is kept and echoed.
    let kept = get(port, "/healthz", &[("X-Request-Id", "proxy-id_1.2")]);
    assert_eq!(kept.header("x-request-id"), Some("proxy-id_1.2"));
    // A malformed one is replaced.
    let replaced = get(port, "/healthz", &[("X-Request-Id", "bad id; drop table")]);
    let made = replaced.header("x-request-id").unwrap();
    assert!(accolade_web_id(made), "{made}");
    // Without a trusted proxy the same header would not be believed (the other test).

    let log = server.log();
    let line = log
        .lines()
        .find(|l| l.contains("request_id=proxy-id_1.2"))
        .unwrap_or_else(|| panic!("no request line with the proxy's id: {log}"));
    assert!(line.contains(" INFO "), "{line}");
    assert!(line.contains("route=/healthz"), "{line}");
    assert!(line.contains("status=200"), "{line}");
    assert!(log.contains(&format!("request_id={made}")), "{log}");
}
