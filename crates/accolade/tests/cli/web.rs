//! What the proxy and several-nodes tests share: `accolade serve` processes, and a small
//! HTTP/1.1 client that connects from a chosen loopback address (all of 127.0.0.0/8 is
//! local), keeps cookies, and sends forms.

use super::*;
use std::io::Read as _;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A free port on `ip`.
pub fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `accolade serve`, killed on drop. Its output goes to `log` (shown on failures).
pub struct Node {
    pub child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl Node {
    /// Starts `accolade serve` on `addr` with `args` after the listen address, and `env`;
    /// `TMPDIR` is the node's own (nodes share no local files, as on separate machines).
    pub fn start(
        name: &str,
        tmp: &Tmp,
        addr: SocketAddr,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Node {
        let own_tmp = tmp.0.join(format!("{name}-tmp"));
        std::fs::create_dir_all(&own_tmp).unwrap();
        let log = tmp.0.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_accolade"));
        cmd.args(["serve", "--listen", &addr.to_string()])
            .args(args)
            .env_remove("ACCOLADE_SMTP_URL")
            .env_remove("ACCOLADE_DATABASE_URL")
            .env_remove("ACCOLADE_DEMO")
            .env_remove("ACCOLADE_MASTER_KEY")
            .env_remove("ACCOLADE_TRUSTED_PROXIES")
            .env("TMPDIR", &own_tmp)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let mut node = Node { child, addr, log };
        node.wait_ready();
        node
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn wait_ready(&mut self) {
        let until = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("accolade serve exited with {status}: {}", self.output());
            }
            if self.output().contains("Accolade is listening")
                && TcpStream::connect(self.addr).is_ok()
            {
                return;
            }
            assert!(Instant::now() < until, "not listening: {}", self.output());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `kill -9`: the process dies at once, leases and all.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> String {
        self.header("location")
            .unwrap_or_else(|| panic!("no Location: {} {}", self.status, self.body))
            .to_owned()
    }

    /// The value of the first `<input name="csrf" value="…">` on the page.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no form token: {}", self.body));
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

/// A browser of sorts: from one address, to one server, with its cookies.
pub struct Client {
    pub from: IpAddr,
    pub to: SocketAddr,
    pub cookies: Vec<(String, String)>,
    pub extra: Vec<(String, String)>,
}

pub const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) accolade-tests";

impl Client {
    pub fn new(from: &str, to: SocketAddr) -> Client {
        Client {
            from: from.parse().unwrap(),
            to,
            cookies: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Sends `header` with every request (e.g. a forged `X-Forwarded-For`).
    pub fn with_header(mut self, name: &str, value: &str) -> Client {
        self.extra.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The same cookies, to another server.
    pub fn to(&self, to: SocketAddr) -> Client {
        Client {
            to,
            cookies: self.cookies.clone(),
            extra: self.extra.clone(),
            from: self.from,
        }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        self.request("GET", path, None, b"")
    }

    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.request(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.as_bytes(),
        )
    }

    /// A multipart form with text fields and one file.
    pub fn post_file(&mut self, path: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> Reply {
        let boundary = "accolade-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: text/csv\r\n\r\n",
                file.0
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let ct = format!("multipart/form-data; boundary={boundary}");
        self.request("POST", path, Some(&ct), &body)
    }

    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Reply {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.bind(&SocketAddr::new(self.from, 0).into()).unwrap();
        socket.connect(&self.to.into()).unwrap();
        let mut s: TcpStream = socket.into();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {USER_AGENT}\r\nAccept: text/html\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.to,
            body.len()
        );
        if let Some(ct) = content_type {
            head.push_str(&format!("Content-Type: {ct}\r\n"));
        }
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", c.join("; ")));
        }
        for (k, v) in &self.extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no reply head: {}", String::from_utf8_lossy(&raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let mut rest = raw[split + 4..].to_vec();
        let chunked = headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
        });
        if chunked {
            rest = dechunk(&rest);
        }
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let pair = v.split(';').next().unwrap_or_default();
                if let Some((name, value)) = pair.split_once('=') {
                    self.cookies.retain(|(n, _)| n != name);
                    if !value.is_empty() {
                        self.cookies.push((name.to_owned(), value.to_owned()));
                    }
                }
            }
        }
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&rest).into_owned(),
        }
    }

    /// Signs in with the form (its token cookie first); the reply to the POST.
    pub fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        let form = self.get("/signin");
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.csrf();
        self.post_form(
            "/signin",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = String::from_utf8_lossy(&data[..end]);
        let size =
            usize::from_str_radix(size.split(';').next().unwrap_or("0").trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = data.get(start + size + 2..).unwrap_or_default();
    }
}

fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `serve --demo`'s sign-in, read from its output: (email, password).
pub fn demo_login(node: &Node) -> (String, String) {
    let out = node.output();
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| panic!("no {name} in: {out}"))
    };
    (field("email "), field("password "))
}

/// The first demo credential's path, `/credentials/{id}`.
pub fn demo_credential(node: &Node) -> String {
    let out = node.output();
    let url = out
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .find(|u| u.contains("/credentials/"))
        .unwrap_or_else(|| panic!("no demo credential in: {out}"));
    url[url.find("/credentials/").unwrap()..].to_owned()
}

/// The demo organization's slug.
pub fn demo_org(node: &Node) -> String {
    let out = node.output();
    let url = out
        .lines()
        .find_map(|l| l.strip_prefix("Demo organization: "))
        .unwrap_or_else(|| panic!("no demo organization in: {out}"));
    url.rsplit('/').next().unwrap().to_owned()
}
