//! Domain types and rules shared by every Accolade crate. No IO lives here.

mod clock;
mod email;

pub use clock::{Clock, FixedClock, SystemClock};
pub use email::{Email, EmailError};
