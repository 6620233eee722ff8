//! Helpers for Accolade's tests (a dev-dependency only): a small SMTP server on loopback
//! that stores what it receives and can be taken down or made to hang, and a reader for
//! the MIME messages it captured; an HTTP receiver that records webhook deliveries; a real
//! nginx in front of servers under test; and the gate
//! that decides whether a test needing an outside tool runs, skips visibly (locally) or
//! fails (under CI).

pub mod gate;

pub mod mime;
pub mod nginx;
pub mod receiver;
pub mod smtp;

pub use mime::ReceivedMail;
pub use receiver::HttpReceiver;
pub use smtp::SmtpServer;
