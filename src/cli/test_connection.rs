//! `picbucket test-connection`

use crate::core::Config;
use crate::storage::{LocalStore, LocalStoreOptions, S3Store, StorageError};

pub fn run(config: &Config) -> anyhow::Result<i32> {
    let result = super::runtime()?.block_on(async {
        if let Some(invalid) = config.field_errors().into_iter().next() {
            return Err(StorageError::Config {
                detail: invalid.to_string(),
            });
        }
        if config.storage.uses_local_store() {
            let local = LocalStore::attach_or_start(&LocalStoreOptions::from_config(config)?).await?;
            S3Store::new(&local.storage_config()).await?.test_connection().await
        } else {
            S3Store::new(&config.storage).await?.test_connection().await
        }
    });
    match result {
        Ok(report) => {
            println!("{report}");
            Ok(0)
        }
        Err(error) => {
            eprintln!("picbucket: {error}");
            Ok(1)
        }
    }
}
