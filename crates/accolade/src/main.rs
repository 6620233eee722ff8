//! The `accolade` command: the server (`serve`), the platform commands on its database
//! (organizations, achievements, awards, imports, keys, outbox) and the offline credential
//! tools (keygen, sign, verify, bake, unbake).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
