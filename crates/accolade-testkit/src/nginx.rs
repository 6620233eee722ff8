//! A real nginx (Debian's `nginx` package) in front of servers under test: started as a child
//! process of the test with a configuration written to a folder of its own (pid file, logs
//! and every temporary path inside it, nothing under /etc or /var), listening on a free
//! port, passing requests round-robin to the given upstream addresses, and stopped when the
//! value is dropped.
//!
//! The binary is named by `ACCOLADE_NGINX` (`scripts/test.sh` installs the package and sets
//! it); without it the tests that need nginx skip visibly, or fail under CI (see [`gate`]).
//!
//! [`gate`]: crate::gate

use std::fmt::Write as _;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The variable naming the nginx binary, e.g. `/usr/sbin/nginx`.
pub const NGINX_VAR: &str = "ACCOLADE_NGINX";

/// The nginx binary from [`NGINX_VAR`], or `None` (after printing why) when a test needing it
/// should skip; under CI a missing variable fails the calling test instead.
pub fn binary(what: &str) -> Option<PathBuf> {
    crate::gate::require_var(
        NGINX_VAR,
        what,
        "set it to Debian's nginx, e.g. ACCOLADE_NGINX=/usr/sbin/nginx; scripts/test.sh installs it",
    )
    .map(PathBuf::from)
}

/// How the proxy is set up.
#[derive(Debug, Clone)]
pub struct NginxConfig {
    /// Where clients connect (the port is picked free).
    pub listen: IpAddr,
    /// The servers behind it, used in turn (nginx's default round-robin).
    pub upstreams: Vec<SocketAddr>,
    /// The local address nginx connects to the upstreams from (`proxy_bind`), so that a
    /// server can tell the proxy from direct clients on loopback.
    pub bind: Option<IpAddr>,
}

impl NginxConfig {
    /// Listens on 127.0.0.1 and connects from the system's choice of address.
    pub fn round_robin(upstreams: Vec<SocketAddr>) -> Self {
        Self {
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            upstreams,
            bind: None,
        }
    }
}

/// A running nginx; stopped (and its folder removed) on drop.
#[derive(Debug)]
pub struct Nginx {
    child: Child,
    dir: PathBuf,
    addr: SocketAddr,
}

impl Nginx {
    /// Writes the configuration, starts `binary` on it and waits until it accepts connections.
    pub fn start(binary: &Path, config: &NginxConfig) -> io::Result<Nginx> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "accolade-nginx-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let port = TcpListener::bind((config.listen, 0))?.local_addr()?.port();
        let addr = SocketAddr::new(config.listen, port);
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, render(&dir, addr, config))?;
        let child = Command::new(binary)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut nginx = Nginx { child, dir, addr };
        nginx.wait_ready()?;
        Ok(nginx)
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What nginx wrote to its error log so far (for failure messages).
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }

    /// The access log so far: one line per request, with the upstream that answered it.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default()
    }

    fn wait_ready(&mut self) -> io::Result<()> {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "nginx exited with {status}: {}",
                    self.error_log()
                )));
            }
            if Instant::now() > until {
                return Err(io::Error::other(format!(
                    "nginx did not listen on {} within 10 s: {}",
                    self.addr,
                    self.error_log()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers, then itself; SIGKILL would leave the
        // workers running.
        let stopped = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        let until = Instant::now() + Duration::from_secs(5);
        while stopped && Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The configuration: one worker in the foreground, every path inside `dir`, the forwarding
/// headers a TLS-terminating proxy sends.
fn render(dir: &Path, addr: SocketAddr, config: &NginxConfig) -> String {
    let d = dir.display();
    let mut servers = String::new();
    for up in &config.upstreams {
        let _ = writeln!(servers, "        server {up};");
    }
    let bind = config
        .bind
        .map(|ip| format!("        proxy_bind {ip};\n"))
        .unwrap_or_default();
    let listen = match addr {
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        SocketAddr::V4(a) => a.to_string(),
    };
    format!(
        "daemon off;
master_process on;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;

events {{
    worker_connections 512;
}}

http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    client_max_body_size 20m;

    upstream nodes {{
{servers}    }}

    log_format upstream '$remote_addr \"$request\" $status $upstream_addr';

    server {{
        listen {listen};
        access_log {d}/access.log upstream;

        location / {{
            proxy_pass http://nodes;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
{bind}        }}
    }}
}}
"
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // test code: failing loudly is the point
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};

    /// A one-line HTTP server: answers every request with its name, the socket peer and the
    /// forwarding headers it received.
    fn echo(name: &'static str) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let peer = stream.peer_addr().unwrap().ip();
                let mut reader = BufReader::new(&stream);
                let mut forwarded = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if lower.starts_with("x-forwarded-") {
                        forwarded.push(lower.trim().to_owned());
                    }
                }
                let body = format!("{name} {peer} {}", forwarded.join(" "));
                let _ = write!(
                    &stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        addr
    }

    fn get(addr: SocketAddr) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply.split_once("\r\n\r\n").unwrap().1.to_owned()
    }

    #[test]
    fn nginx_takes_turns_and_says_who_the_client_is() {
        let Some(bin) = binary("the nginx harness check") else {
            return;
        };
        let config = NginxConfig {
            listen: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)),
            upstreams: vec![echo("one"), echo("two")],
            bind: Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3))),
        };
        let nginx = Nginx::start(&bin, &config).unwrap();
        assert_eq!(nginx.addr().ip(), config.listen);
        let replies: Vec<String> = (0..4).map(|_| get(nginx.addr())).collect();
        let names: Vec<&str> = replies.iter().map(|r| &r[..3]).collect();
        assert!(
            names == ["one", "two", "one", "two"] || names == ["two", "one", "two", "one"],
            "round-robin: {replies:?}"
        );
        for r in &replies {
            assert!(r.contains(" 127.0.0.3 "), "connects from proxy_bind: {r}");
            assert!(
                r.contains("x-forwarded-for: 203.0.113.9, 127.0.0.1"),
                "the client's header, then the client: {r}"
            );
            assert!(r.contains("x-forwarded-proto: http"), "{r}");
        }
        let dir = nginx.dir.clone();
        let pid = nginx.child.id();
        drop(nginx);
        assert!(!dir.exists(), "its folder is removed");
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists()
                || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .is_ok_and(|s| s.contains(") Z ")),
            "stopped"
        );
    }

    #[test]
    fn config_keeps_every_path_in_its_folder() {
        let config = NginxConfig {
            listen: "127.0.0.2"
                .parse()
                .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            upstreams: vec![
                SocketAddr::from(([127, 0, 0, 1], 8001)),
                SocketAddr::from(([127, 0, 0, 1], 8002)),
            ],
            bind: Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3))),
        };
        let text = render(
            Path::new("/tmp/x"),
            SocketAddr::from(([127, 0, 0, 2], 9000)),
            &config,
        );
        assert!(text.contains("listen 127.0.0.2:9000;"));
        assert!(text.contains("server 127.0.0.1:8001;\n        server 127.0.0.1:8002;"));
        assert!(text.contains("proxy_bind 127.0.0.3;"));
        for line in text.lines() {
            let line = line.trim();
            for directive in ["pid ", "error_log ", "_temp_path ", "access_log "] {
                if line.contains(directive) {
                    assert!(line.contains("/tmp/x/"), "{line}");
                }
            }
        }
    }
}
