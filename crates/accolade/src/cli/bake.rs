use accolade_credentials::bake::{self, BakePayload, Baked};
use anyhow::Context as _;
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct BakeArgs {
    /// The badge image (PNG or SVG).
    #[arg(long)]
    image: String,
    /// The signed credential: JSON, or a compact JWT.
    #[arg(long)]
    credential: String,
    /// Where to write the baked image.
    #[arg(long, short)]
    output: String,
}

#[derive(Debug, Args)]
pub struct UnbakeArgs {
    /// A baked PNG or SVG badge image, or - for standard input.
    image: String,
}

pub fn bake(args: &BakeArgs) -> anyhow::Result<ExitCode> {
    let image = super::read_input(&args.image)?;
    let credential = String::from_utf8(super::read_input(&args.credential)?)
        .context("the credential is not UTF-8 text")?;
    let text = credential.trim();
    let payload = if text.starts_with('{') {
        let v: serde_json::Value =
            serde_json::from_str(text).context("the credential is not valid JSON")?;
        BakePayload::Json(serde_json::to_string(&v)?)
    } else {
        BakePayload::Jwt(text.to_owned())
    };
    let baked = if image.starts_with(b"\x89PNG") {
        bake::bake_png(&image, payload_text(&payload))?
    } else {
        let svg = std::str::from_utf8(&image).context("the image is neither PNG nor UTF-8 SVG")?;
        bake::bake_svg(svg, &payload)?.into_bytes()
    };
    std::fs::write(&args.output, baked).with_context(|| format!("cannot write {}", args.output))?;
    Ok(ExitCode::SUCCESS)
}

pub fn unbake(args: &UnbakeArgs) -> anyhow::Result<ExitCode> {
    let image = super::read_input(&args.image)?;
    match bake::unbake(&image)? {
        Some(Baked::Ob3Json(t) | Baked::Ob3Jwt(t) | Baked::Ob2(t)) => {
            outln!("{t}");
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("{}: no baked credential found", args.image);
            Ok(ExitCode::FAILURE)
        }
    }
}

fn payload_text(p: &BakePayload) -> &str {
    match p {
        BakePayload::Json(s) | BakePayload::Jwt(s) => s,
    }
}
