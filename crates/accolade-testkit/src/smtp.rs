//! An SMTP server for tests, listening on `127.0.0.1` on a port of its own. It speaks enough
//! of RFC 5321 for a real client (lettre): greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT. It can be taken down (nothing listens: connections are
//! refused), brought back on the same port, or made to hang (connections are accepted and
//! never answered), to test what a sender does when mail cannot go out.

use crate::mime::ReceivedMail;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt as _, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Longest command or data line accepted (RFC 5321 allows 1000 with CRLF; be generous).
const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Default)]
struct Shared {
    received: Mutex<Vec<ReceivedMail>>,
    hanging: AtomicBool,
    connections: std::sync::atomic::AtomicUsize,
}

/// A running (or, after [`SmtpServer::go_down`], stopped) test SMTP server. Stops when
/// dropped.
#[derive(Debug)]
pub struct SmtpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpServer {
    /// Starts listening on `127.0.0.1:0` (a free port). Needs a tokio runtime.
    pub async fn start() -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = Self {
            addr,
            shared: Arc::default(),
            acceptor: Mutex::new(None),
        };
        server.serve(listener);
        Ok(server)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `smtp://127.0.0.1:{port}`: plain SMTP, no TLS, no authentication.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared
            .received
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }

    /// How many connections were accepted (answered or hung).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` messages have arrived, for at most `timeout`; returns them
    /// all (possibly fewer than `n` if the time ran out).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let got = self.messages();
            if got.len() >= n || tokio::time::Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops listening: new connections are refused until [`SmtpServer::come_up`].
    pub async fn go_down(&self) {
        let task = self.acceptor.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            task.abort();
            let _ = task.await; // the listener is closed once the task is gone
        }
    }

    /// Listens again, on the same port.
    pub async fn come_up(&self) -> io::Result<()> {
        self.go_down().await;
        let listener = TcpListener::bind(self.addr).await?;
        self.serve(listener);
        Ok(())
    }

    /// While set, connections are accepted but never answered (not even the greeting).
    pub fn set_hanging(&self, hanging: bool) {
        self.shared.hanging.store(hanging, Ordering::SeqCst);
    }

    fn serve(&self, listener: TcpListener) {
        let shared = self.shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let shared = shared.clone();
                tokio::spawn(async move {
                    if shared.hanging.load(Ordering::SeqCst) {
                        hang(stream).await;
                    } else {
                        let _ = session(stream, &shared).await;
                    }
                });
            }
        });
        if let Ok(mut slot) = self.acceptor.lock() {
            *slot = Some(task);
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(task) = self.acceptor.get_mut().ok().and_then(Option::take) {
            task.abort();
        }
    }
}

/// Holds the connection open, saying nothing, until the client gives up.
async fn hang(stream: TcpStream) {
    let mut reader = BufReader::new(stream);
    let mut sink = Vec::new();
    while let Ok(n) = reader.read_until(b'\n', &mut sink).await {
        if n == 0 {
            return;
        }
        sink.clear();
    }
}

/// One SMTP conversation.
async fn session(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write
        .write_all(b"220 accolade-testkit ESMTP ready\r\n")
        .await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    loop {
        let Some(line) = read_line(&mut reader).await? else {
            return Ok(());
        };
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-accolade-testkit greets you\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n"
        } else if upper.starts_with("HELO") {
            b"250 accolade-testkit\r\n"
        } else if let Some(rest) = upper.strip_prefix("MAIL FROM:") {
            from = Some(address(&line[line.len() - rest.len()..]));
            to.clear();
            b"250 OK\r\n"
        } else if let Some(rest) = upper.strip_prefix("RCPT TO:") {
            if from.is_none() {
                b"503 MAIL first\r\n"
            } else {
                to.push(address(&line[line.len() - rest.len()..]));
                b"250 OK\r\n"
            }
        } else if upper == "DATA" {
            if from.is_none() || to.is_empty() {
                b"503 MAIL and RCPT first\r\n"
            } else {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut reader).await?;
                let mail = ReceivedMail::new(from.take().unwrap_or_default(), to.clone(), data);
                to.clear();
                if let Ok(mut received) = shared.received.lock() {
                    received.push(mail);
                }
                b"250 OK queued\r\n"
            }
        } else if upper == "RSET" {
            from = None;
            to.clear();
            b"250 OK\r\n"
        } else if upper == "NOOP" {
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// `<a@b> SIZE=123` → `a@b`.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    let end = arg.find('>').map_or(arg.len(), |i| i + 1);
    arg[..end]
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

/// A line without its CRLF; `None` at end of stream.
async fn read_line<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = (&mut *reader)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// The message after DATA, up to the lone `.`, with leading dots unstuffed; CRLF line ends.
async fn read_data<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> io::Result<String> {
    let mut data = String::new();
    loop {
        let Some(line) = read_line(reader).await? else {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed during DATA",
            ));
        };
        if line == "." {
            return Ok(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
        data.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_conversation_is_captured_and_the_server_can_go_down() {
        let server = SmtpServer::start().await.unwrap();
        let stream = TcpStream::connect(server.addr()).await.unwrap();
        let (read, mut write) = stream.into_split();
        let mut reader = BufReader::new(read);
        let mut expect = async |prefix: &str| {
            let line = read_line(&mut reader).await.unwrap().unwrap();
            assert!(line.starts_with(prefix), "{line}");
            line
        };
        expect("220").await;
        write.write_all(b"HELO me\r\n").await.unwrap();
        expect("250").await;
        write
            .write_all(b"MAIL FROM:<a@example.org> SIZE=10\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
            .await
            .unwrap();
        expect("250").await;
        expect("250").await;
        expect("354").await;
        write
            .write_all(b"Subject: Hi\r\n\r\n..dot\r\nline\r\n.\r\nQUIT\r\n")
            .await
            .unwrap();
        expect("250").await;
        expect("221").await;
        let got = server.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(got[0].from, "a@example.org");
        assert_eq!(got[0].to, ["b@example.org"]);
        assert_eq!(got[0].header("subject").as_deref(), Some("Hi"));
        assert_eq!(got[0].raw, "Subject: Hi\r\n\r\n.dot\r\nline\r\n");

        server.go_down().await;
        assert!(TcpStream::connect(server.addr()).await.is_err());
        server.come_up().await.unwrap();
        assert!(TcpStream::connect(server.addr()).await.is_ok());
    }
}
