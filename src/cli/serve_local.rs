//! `picbucket serve-local`

use crate::core::Config;
use crate::storage::{LocalStore, LocalStoreOptions};
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct ServeLocalArgs {
    /// Port on 127.0.0.1 (default: local.port from config, else the last one used, else any free port).
    #[arg(long)]
    pub port: Option<u16>,
}

pub fn run(config: &Config, args: &ServeLocalArgs) -> anyhow::Result<i32> {
    let mut options = LocalStoreOptions::from_config(config)?;
    if let Some(port) = args.port {
        options.port = port;
    }
    super::runtime()?.block_on(async {
        let store = LocalStore::start(&options).await?;
        let endpoint = store.endpoint();
        let (bucket, access_key, secret_key) = (store.bucket(), store.access_key(), store.secret_key().expose());
        let banner = format!(
            "picbucket local store (S3-compatible, 127.0.0.1 only)\n\
             \x20 endpoint:   {endpoint}\n\
             \x20 bucket:     {bucket}\n\
             \x20 region:     us-east-1 (any region is accepted)\n\
             \x20 access key: {access_key}\n\
             \x20 secret key: {secret_key}\n\
             \x20 data:       {data}\n\n\
             To use it from another config file, put this in its [storage] table:\n\
             \x20 endpoint = \"{endpoint}\"\n\
             \x20 bucket = \"{bucket}\"\n\
             \x20 access_key = \"{access_key}\"\n\
             \x20 secret_key = \"{secret_key}\"\n\
             \x20 path_style = true\n\n\
             Press Ctrl+C to stop.\n",
            data = store.root().join("objects").display(),
        );
        // The store goes on serving when nobody reads stdout any more (a
        // closed pipe): `println!` would panic there and take the store down.
        let mut stdout = std::io::stdout().lock();
        if stdout
            .write_all(banner.as_bytes())
            .and_then(|()| stdout.flush())
            .is_err()
        {
            tracing::info!("stdout is closed; the store keeps serving");
        }
        drop(stdout);
        tokio::signal::ctrl_c().await?;
        tracing::info!("stopping the local store");
        drop(store);
        Ok(0)
    })
}
