//! Log lines leave the process on a thread of their own. A request handler that logs must
//! never wait for standard error: when it is a file on a disk busy writing back gigabytes,
//! or a pipe to a slow collector, one `write` can block for a tenth of a second, and with
//! it every request on that worker thread. Lines wait in a bounded queue instead; when the
//! queue is full they are dropped and counted, and the count is written after the next
//! line that gets through.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::Duration;
use tracing_subscriber::fmt::MakeWriter;

/// Lines that may wait for the writer thread.
const QUEUE: usize = 16 * 1024;
/// How long the process waits at exit for the waiting lines to be written.
const DRAIN: Duration = Duration::from_secs(2);

enum Message {
    Line(Vec<u8>),
    /// Write everything before this, then answer.
    Flush(SyncSender<()>),
}

/// The subscriber's writer: hands each formatted event to the writer thread.
#[derive(Clone)]
pub struct QueuedStderr {
    tx: SyncSender<Message>,
    dropped: Arc<AtomicU64>,
}

/// Waits, when dropped at the end of the process, until the waiting lines are written.
pub struct Drain {
    tx: SyncSender<Message>,
}

impl Drop for Drain {
    fn drop(&mut self) {
        let (done, wait) = sync_channel(1);
        if self.tx.send(Message::Flush(done)).is_ok() {
            let _ = wait.recv_timeout(DRAIN);
        }
    }
}

/// Starts the writer thread over `out`. If the thread cannot start, lines are written
/// directly (blocking) rather than lost.
pub fn start(out: impl Write + Send + 'static) -> (QueuedStderr, Drain) {
    let (tx, rx) = sync_channel(QUEUE);
    let dropped = Arc::new(AtomicU64::new(0));
    let counter = dropped.clone();
    // Should the thread not start, the receiver is gone with the closure: every send then
    // reports it, and the line is written where it was made.
    let _ = std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || write_lines(rx, out, &counter));
    (
        QueuedStderr {
            tx: tx.clone(),
            dropped,
        },
        Drain { tx },
    )
}

fn write_lines(rx: Receiver<Message>, mut out: impl Write, dropped: &AtomicU64) {
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        match message {
            Some(Message::Line(line)) => {
                let _ = out.write_all(&line);
            }
            Some(Message::Flush(done)) => {
                let _ = out.flush();
                let _ = done.send(());
                continue;
            }
            None => {}
        }
        // Say how many lines could not wait.
        let lost = dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            let _ = writeln!(
                out,
                "{} WARN accolade::log: {lost} log lines were dropped: the log output was slower than the server",
                now()
            );
        }
        let _ = out.flush();
    }
}

fn now() -> String {
    use accolade_core::{Clock as _, SystemClock};
    SystemClock
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// One event's formatted text.
pub struct Line<'a>(&'a QueuedStderr);

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.tx.try_send(Message::Line(buf.to_vec())) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.0.dropped.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Disconnected(Message::Line(line))) => {
                io::stderr().write_all(&line)?;
            }
            Err(TrySendError::Disconnected(Message::Flush(_))) => {}
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for QueuedStderr {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        Line(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A sink the test can read, and can hold shut to play a stalled disk.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::ErrorKind::Other)?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_arrive_in_order_and_are_written_before_exit() {
        let sink = Sink::default();
        let (writer, drain) = start(sink.clone());
        for i in 0..100 {
            writer
                .make_writer()
                .write_all(format!("line {i}\n").as_bytes())
                .unwrap();
        }
        drop(drain);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 100);
        assert_eq!(lines[0], "line 0");
        assert_eq!(lines[99], "line 99");
    }

    #[test]
    fn a_stalled_output_never_blocks_the_logger_and_drops_are_counted() {
        let sink = Sink::default();
        let stall = sink.0.lock().unwrap();
        let (writer, drain) = start(sink.clone());
        let started = std::time::Instant::now();
        for i in 0..(QUEUE + 500) {
            writer
                .make_writer()
                .write_all(format!("line {i}\n").as_bytes())
                .unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "logging waited for the output"
        );
        drop(stall);
        drop(drain);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.contains("log lines were dropped"),
            "{}",
            &text[text.len() - 200..]
        );
        let written = text.lines().filter(|l| l.starts_with("line ")).count();
        assert!(
            (QUEUE..QUEUE + 500).contains(&written),
            "{written} lines written"
        );
    }
}
