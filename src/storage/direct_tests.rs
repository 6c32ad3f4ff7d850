//! The direct signer must give exactly the URL the SDK's presigner gives:
//! same host and path, same query, same signature, for every addressing style
//! and for keys that need encoding. No request is sent.

use crate::core::{LinkExpiry, Secret, StorageConfig};
use crate::storage::S3Store;
use std::time::{Duration, SystemTime};

const KEYS: [&str; 6] = [
    "a.png",
    "p/0f8e_x y+z.png",
    "ünï cödé #?&=.png",
    "a//b/./../c.png",
    "100%_done~!*'().png",
    "2026-11-26/{uuid}_[1].webp",
];

fn settings(endpoint: &str, region: &str, bucket: &str, path_style: bool) -> StorageConfig {
    StorageConfig {
        endpoint: endpoint.into(),
        region: region.into(),
        bucket: bucket.into(),
        access_key: "AKIDEXAMPLE".into(),
        secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        path_style,
        ..StorageConfig::default()
    }
}

fn at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000)
}

async fn same_as_sdk(config: StorageConfig, expect_prefix: &str) {
    let store = S3Store::new(&config).await.unwrap().with_checksum_memory(None);
    let signer = store.direct.clone().expect("static keys sign links directly");
    for expiry in [LinkExpiry::MAX, LinkExpiry::from_secs(3600).unwrap()] {
        for key in KEYS {
            let direct = signer.presign_get(store.client.region(), key, expiry, at()).unwrap();
            let sdk = store.presign_get_with_sdk(key, expiry, at()).await.unwrap();
            assert_eq!(direct, sdk, "{config:?} key {key:?}");
            assert!(direct.starts_with(expect_prefix), "{direct}");
            assert_eq!(store.presign_get_at(key, expiry, at()).await.unwrap(), sdk);
        }
    }
}

#[tokio::test]
async fn path_style_endpoint_matches_the_sdk() {
    same_as_sdk(
        settings("http://127.0.0.1:9000", "us-east-1", "photos", true),
        "http://127.0.0.1:9000/photos/",
    )
    .await;
}

#[tokio::test]
async fn virtual_hosted_endpoint_matches_the_sdk() {
    same_as_sdk(
        settings("http://localhost:9000", "garage", "photos", false),
        "http://photos.localhost:9000/",
    )
    .await;
}

#[tokio::test]
async fn endpoint_with_a_path_matches_the_sdk() {
    same_as_sdk(
        settings("https://storage.example.com/s3/", "auto", "photos", true),
        "https://storage.example.com/s3",
    )
    .await;
}

#[tokio::test]
async fn aws_regions_match_the_sdk() {
    same_as_sdk(
        settings("", "eu-west-1", "photos", false),
        "https://photos.s3.eu-west-1.amazonaws.com/",
    )
    .await;
    same_as_sdk(
        settings("", "us-east-1", "photos", false),
        "https://photos.s3.us-east-1.amazonaws.com/",
    )
    .await;
}

#[tokio::test]
async fn aws_bucket_with_dots_matches_the_sdk() {
    same_as_sdk(settings("", "eu-central-1", "my.photos", false), "https://").await;
}

#[tokio::test]
async fn a_corrected_region_signs_for_the_new_region() {
    let store = S3Store::new(&settings("http://127.0.0.1:9000", "us-east-1", "photos", true))
        .await
        .unwrap()
        .with_checksum_memory(None);
    let signer = store.direct.clone().unwrap();
    let east = signer.presign_get("us-east-1", "a.png", LinkExpiry::MAX, at()).unwrap();
    let garage = signer.presign_get("garage", "a.png", LinkExpiry::MAX, at()).unwrap();
    assert!(east.contains("%2Fus-east-1%2Fs3%2Faws4_request"), "{east}");
    assert!(garage.contains("%2Fgarage%2Fs3%2Faws4_request"), "{garage}");
    assert_ne!(east, garage);
}

#[tokio::test]
async fn links_carry_the_expiry_and_never_the_secret() {
    let store = S3Store::new(&settings("http://127.0.0.1:9000", "us-east-1", "photos", true))
        .await
        .unwrap()
        .with_checksum_memory(None);
    let url = store
        .presign_get_at("a.png", LinkExpiry::from_secs(600).unwrap(), at())
        .await
        .unwrap();
    assert!(url.contains("X-Amz-Expires=600"), "{url}");
    assert!(url.contains("X-Amz-Credential=AKIDEXAMPLE%2F"), "{url}");
    assert!(!url.contains("wJalrXUtnFEMI"), "{url}");
    assert!(!format!("{:?}", store.direct).contains("wJalr"));
}
