//! `picbucket serve-local`

use crate::core::Config;
use crate::storage::{LocalStore, LocalStoreOptions};

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
        println!("picbucket local store (S3-compatible, 127.0.0.1 only)");
        println!("  endpoint:   {}", store.endpoint());
        println!("  bucket:     {}", store.bucket());
        println!("  region:     us-east-1 (any region is accepted)");
        println!("  access key: {}", store.access_key());
        println!("  secret key: {}", store.secret_key().expose());
        println!("  data:       {}", store.root().join("objects").display());
        println!();
        println!("To use it from another config file, put this in its [storage] table:");
        println!("  endpoint = \"{}\"", store.endpoint());
        println!("  bucket = \"{}\"", store.bucket());
        println!("  access_key = \"{}\"", store.access_key());
        println!("  secret_key = \"{}\"", store.secret_key().expose());
        println!("  path_style = true");
        println!();
        println!("Press Ctrl+C to stop.");
        tokio::signal::ctrl_c().await?;
        eprintln!("Stopping.");
        drop(store);
        Ok(0)
    })
}
