//! The `accolade` command: offline credential tools now; the server joins later.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
