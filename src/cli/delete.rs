//! `picbucket delete ID_OR_KEY`: removes an earlier upload from its bucket;
//! the history keeps the record, marked deleted.

use crate::cli::link::fail;
use crate::cli::lookup;
use crate::core::Config;
use crate::library::now_ms;

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    /// The upload's id (the first column of `picbucket history`) or its object key.
    #[arg(value_name = "ID_OR_KEY")]
    pub target: String,
}

pub fn run(args: &DeleteArgs, load_config: impl FnOnce() -> anyhow::Result<Config>) -> anyhow::Result<i32> {
    let (mut library, record) = match lookup::find(&args.target)? {
        Ok(found) => found,
        Err(problem) => return Ok(fail(&problem)),
    };
    if let Some(problem) = lookup::not_stored(&record) {
        return Ok(fail(&problem));
    }
    let config = load_config()?;
    let (name, key, bucket) = (&record.file_name, &record.object_key, &record.bucket);
    let deleted = super::runtime()?.block_on(async {
        let destination = lookup::destination(&config, &record).await?;
        destination
            .store
            .delete(key)
            .await
            .map_err(|error| format!("{name} ({key}) was not deleted from bucket {bucket}: {error}"))
    });
    if let Err(problem) = deleted {
        return Ok(fail(&problem));
    }
    if let Err(error) = library.set_deleted(record.id, now_ms()) {
        return Ok(fail(&format!(
            "{name} ({key}) was deleted from bucket {bucket}, but the history could not note it: {error}"
        )));
    }
    println!("Deleted {name} ({key}) from bucket {bucket}");
    Ok(0)
}
