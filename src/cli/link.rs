//! `picbucket link ID_OR_KEY`: a freshly signed link for an earlier upload.

use crate::cli::format::FormatArgs;
use crate::cli::lookup;
use crate::core::{Config, LinkExpiry, LinkInfo};
use crate::worker::link_for;

#[derive(Debug, clap::Args)]
pub struct LinkArgs {
    /// The upload's id (the first column of `picbucket history`) or its object key.
    #[arg(value_name = "ID_OR_KEY")]
    pub target: String,

    #[command(flatten)]
    pub format: FormatArgs,

    /// How long the link stays valid: 1h, 1d, 7d (the most S3 allows) or seconds.
    /// Default: upload.link_expiry from the config file.
    #[arg(long, value_name = "DURATION", value_parser = LinkExpiry::parse)]
    pub expires: Option<LinkExpiry>,
}

pub fn run(args: &LinkArgs, load_config: impl FnOnce() -> anyhow::Result<Config>) -> anyhow::Result<i32> {
    let (_library, record) = match lookup::find(&args.target)? {
        Ok(found) => found,
        Err(problem) => return Ok(fail(&problem)),
    };
    if let Some(problem) = lookup::not_stored(&record) {
        return Ok(fail(&problem));
    }
    let config = load_config()?;
    let text = match args.format.link_text(&config) {
        Ok(text) => text,
        Err(problem) => return Ok(fail(&problem)),
    };
    let expiry = args.expires.unwrap_or_else(|| {
        config
            .with_profile(&record.profile)
            .map_or(config.upload.link_expiry, |own| own.upload.link_expiry)
    });
    let signed = super::runtime()?.block_on(async {
        let destination = lookup::destination(&config, &record).await?;
        let link = link_for(&destination.store, &record.object_key, expiry)
            .await
            .map_err(|error| format!("No link could be signed for {}: {error}", record.file_name))?;
        Ok::<_, String>((link.url, destination.is_local()))
    });
    match signed {
        Ok((url, is_local)) => {
            if is_local {
                eprintln!(
                    "picbucket: {} is in the built-in local store; the link works on this computer while `picbucket serve-local` or the window runs",
                    record.file_name
                );
            }
            let info = LinkInfo {
                url: &url,
                filename: &record.file_name,
                key: &record.object_key,
                dimensions: Some((record.width, record.height)),
            };
            println!("{}", text.render(&info));
            Ok(0)
        }
        Err(problem) => Ok(fail(&problem)),
    }
}

/// Prints the sentence on stderr; the exit code for it.
pub(super) fn fail(problem: &str) -> i32 {
    eprintln!("picbucket: {problem}");
    1
}
