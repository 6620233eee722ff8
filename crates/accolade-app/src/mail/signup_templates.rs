//! The sign-up emails: the link that confirms a new account's address, and the note sent
//! instead when the address already has an account (so the sign-up form itself never says
//! which addresses have one).

use super::account_templates::framed;
use super::templates::{EmailContent, escape, fill_html_bold, greeting};

/// "Confirm your email address".
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Confirm<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub confirm_url: &'a str,
    pub valid_hours: i64,
}

/// "You already have an account".
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Existing<'a> {
    pub user_name: &'a str,
    pub email: &'a str,
    pub signin_url: &'a str,
    pub reset_url: &'a str,
}

const UNEXPECTED_SIGNUP: &str = "If you did not sign up, ignore this email: no account is \
     created without this link.";
const UNEXPECTED_EXISTING: &str = "If this was not you, you can ignore this email: nothing \
     was changed, and your password stays as it is.";

pub(crate) fn confirm(c: &Confirm<'_>) -> EmailContent {
    let subject = "Confirm your email address for Accolade".to_owned();
    let hello = greeting(Some(c.name));
    let text = format!(
        "{hello}\n\nConfirm that {} is your email address to finish creating your Accolade \
         account: {}\n\nThe link works once, within {} hours, and signs you in.\n\n\
         {UNEXPECTED_SIGNUP}\n",
        c.email, c.confirm_url, c.valid_hours,
    );
    let asked = fill_html_bold(
        "Confirm that {email} is your email address to finish creating your Accolade account.",
        &[("email", c.email)],
    );
    let within = format!(
        "The link works once, within {} hours, and signs you in.",
        c.valid_hours
    );
    framed(
        subject,
        text,
        &[&escape(&hello), &asked, &within],
        (c.confirm_url, "Confirm and sign in"),
        "",
        UNEXPECTED_SIGNUP,
    )
}

pub(crate) fn existing(e: &Existing<'_>) -> EmailContent {
    let subject = "You already have an Accolade account".to_owned();
    let hello = greeting(Some(e.user_name));
    let text = format!(
        "{hello}\n\nSomeone, hopefully you, tried to create an Accolade account with {}, \
         which already has one.\n\nSign in: {}\n\nForgot your password? Choose a new one: \
         {}\n\n{UNEXPECTED_EXISTING}\n",
        e.email, e.signin_url, e.reset_url,
    );
    let asked = fill_html_bold(
        "Someone, hopefully you, tried to create an Accolade account with {email}, which already has one.",
        &[("email", e.email)],
    );
    let reset = format!(
        "\n<tr><td align=\"center\" style=\"padding:8px 32px 24px;font-size:15px;\"><a href=\"{}\" style=\"color:#1d4ed8;\">Forgot your password? Choose a new one</a></td></tr>",
        escape(e.reset_url)
    );
    framed(
        subject,
        text,
        &[&escape(&hello), &asked],
        (e.signin_url, "Sign in"),
        &reset,
        UNEXPECTED_EXISTING,
    )
}
