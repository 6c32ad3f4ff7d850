//! `picbucket test-connection`

use crate::core::Config;
use crate::storage::connect;

pub fn run(config: &Config) -> anyhow::Result<i32> {
    let result = super::runtime()?.block_on(async {
        // The local store (if any) must outlive the check.
        let (store, _local) = connect(config).await?;
        store.test_connection().await
    });
    match result {
        Ok(report) => {
            println!("{report}");
            if report.region_corrected_from.is_some() {
                println!(
                    "Set region = \"{}\" in the config file to skip this correction.",
                    report.region
                );
            }
            Ok(0)
        }
        Err(error) => {
            eprintln!("picbucket: {error}");
            Ok(1)
        }
    }
}
