//! Every signature must be the one `aws_sigv4::http_request::sign` makes for
//! the same request, with the settings S3 requests use here (the path
//! encoded once and never normalized, the body unsigned).

use super::{Request, Signer};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::time::{Duration, SystemTime};

const ACCESS: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn reference(request: &Request<'_>, uri: &str, expires_in: Option<Duration>) -> Vec<(String, String)> {
    let identity: Identity = Credentials::new(ACCESS, SECRET, None, None, "test").into();
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.expires_in = expires_in;
    if expires_in.is_some() {
        settings.signature_location = SignatureLocation::QueryParams;
    } else {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(request.region)
        .name("s3")
        .time(request.now)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        request.method,
        uri,
        request.headers.iter().copied(),
        SignableBody::UnsignedPayload,
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let (headers, query) = instructions.into_parts();
    let mut out: Vec<(String, String)> = headers
        .iter()
        .map(|h| (h.name().to_owned(), h.value().to_owned()))
        .collect();
    out.extend(query.into_iter().map(|(k, v)| (k.to_owned(), v.into_owned())));
    out
}

fn owned<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Vec<(String, String)> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

const PATHS: [&str; 4] = [
    "/photos/a.png",
    "/photos/p/0f8e_x%20y%2Bz.png",
    "/s3/photos/%C3%BCn%C3%AF%20c%C3%B6d%C3%A9%20%23%3F%26%3D.png",
    "/photos/a//b/./../c.png",
];

fn times() -> [SystemTime; 3] {
    let base = SystemTime::UNIX_EPOCH;
    [
        base + Duration::from_secs(1_795_000_000),
        base + Duration::from_secs(1_795_000_000 + 86_400), // the next day: a new key
        base + Duration::from_secs(1_795_000_000 + 86_400 + 59),
    ]
}

/// A GET link for `path` on a local endpoint, signed by `signer` and by aws-sigv4.
fn assert_link_signed_as_aws_sigv4_does(signer: &Signer, path: &str, region: &str, now: SystemTime, secs: u64) {
    let uri = format!("http://127.0.0.1:9000{path}?x-id=GetObject");
    let request = Request {
        method: "GET",
        path,
        query: &[("x-id", "GetObject")],
        headers: &[("host", "127.0.0.1:9000")],
        region,
        now,
    };
    let expected = reference(&request, &uri, Some(Duration::from_secs(secs)));
    assert_eq!(owned(signer.presign(&request, secs)), expected, "{region} {path}");
}

#[test]
fn links_are_signed_as_aws_sigv4_signs_them() {
    let signer = Signer::new(ACCESS, SECRET);
    for region in ["us-east-1", "eu-west-1", "garage"] {
        for now in times() {
            for path in PATHS {
                for secs in [3600, 604_800] {
                    assert_link_signed_as_aws_sigv4_does(&signer, path, region, now, secs);
                }
            }
        }
    }
}

#[test]
fn puts_are_signed_as_aws_sigv4_signs_them() {
    let signer = Signer::new(ACCESS, SECRET);
    for region in ["us-east-1", "auto"] {
        for now in times() {
            for path in PATHS {
                let uri = format!("https://photos.example.com{path}");
                let headers = [
                    ("host", "photos.example.com"),
                    ("content-type", "image/png"),
                    ("content-length", "40213"),
                    ("x-amz-checksum-crc32c", "yZRlqg=="),
                ];
                let request = Request {
                    method: "PUT",
                    path,
                    query: &[],
                    headers: &headers,
                    region,
                    now,
                };
                let mut expected = reference(&request, &uri, None);
                let mut ours = owned(signer.sign_headers(&request));
                expected.sort();
                ours.sort();
                assert_eq!(ours, expected, "{region} {path}");
            }
        }
    }
}

#[test]
fn the_keys_are_never_printed() {
    let signer = Signer::new(ACCESS, SECRET);
    let printed = format!("{signer:?}");
    assert!(!printed.contains(ACCESS) && !printed.contains(SECRET), "{printed}");
    assert!(printed.contains("Signer"), "says what it is: {printed:?}");
}

#[test]
fn another_region_on_the_same_day_gets_its_own_key() {
    // The signing key is kept per day and region: switching regions (a
    // corrected bucket region) within one day must derive a new one.
    let signer = Signer::new(ACCESS, SECRET);
    let now = times()[0];
    for region in ["us-east-1", "eu-west-1", "us-east-1"] {
        assert_link_signed_as_aws_sigv4_does(&signer, PATHS[0], region, now, 3600);
    }
}
