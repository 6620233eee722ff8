//! `accolade user create`: an account made by the operator, the way to a first account on an
//! instance without mail (where the sign-up form is closed; see `serve --signup-without-email`).

use super::platform::{DEFAULT_PUBLIC_URL, PlatformArgs, block_on};
use accolade_core::Role;
use anyhow::Context as _;
use clap::{Args, Subcommand};
use std::io::BufRead as _;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account that signs in with an email and a password. Prints the password
    /// when it made one.
    Create(UserCreateArgs),
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    /// The account's email address (it signs in with it).
    #[arg(long)]
    email: String,
    /// The person's name.
    #[arg(long)]
    name: String,
    /// Read the password from the first line of standard input; without it a password is
    /// made and printed.
    #[arg(long)]
    password_stdin: bool,
    /// Also make the account a member of this organization (id or slug).
    #[arg(long, value_name = "ORG")]
    org: Option<String>,
    /// The role in --org: owner, admin, issuer or viewer.
    #[arg(long, default_value = "owner", requires = "org", value_parser = parse_role)]
    role: Role,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("{s} is not a role: owner, admin, issuer or viewer"))
}

pub fn user(platform: &PlatformArgs, command: &UserCommand) -> anyhow::Result<ExitCode> {
    let UserCommand::Create(args) = command;
    let given = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        Some(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    block_on(async {
        let app = platform.open(DEFAULT_PUBLIC_URL).await?;
        let org = match &args.org {
            Some(o) => Some(app.find_org(o).await?),
            None => None,
        };
        let password = match &given {
            Some(p) => p.clone(),
            None => accolade_app::accounts::new_password()?,
        };
        let user = app.sign_up(&args.email, &args.name, &password).await?;
        outln!("Created the account {} ({})", user.email.as_str(), user.id);
        if let Some(org) = org {
            app.add_member_by_operator(&user, org.id, args.role).await?;
            outln!("  {} of {}", args.role.as_str(), org.name);
        }
        if given.is_none() {
            outln!("  password  {password}");
        }
        outln!("Sign in at {}/signin", app.urls().base());
        Ok(ExitCode::SUCCESS)
    })?
}
