use super::*;

#[test]
fn digests_match_the_published_check_values() {
    // The standard "123456789" check values of each algorithm.
    assert_eq!(digest_bytes(Algorithm::Crc32c, b"123456789").base64, "4waSgw==");
    assert_eq!(digest_bytes(Algorithm::Crc64Nvme, b"123456789").base64, "rosUhgp5mIg=");
    assert_eq!(
        digest_bytes(Algorithm::Md5, b"123456789").base64,
        "JfnnlDI7RTiF9RgfG2JNCw=="
    );
    assert_eq!(digest_bytes(Algorithm::Md5, b"").base64, "1B2M2Y8AsgTpgAmY7PhCfg==");
}

#[test]
fn a_file_range_is_hashed_like_the_same_bytes_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.bin");
    // Longer than one read chunk, so chunking is exercised.
    let bytes: Vec<u8> = (0..(READ_CHUNK * 2 + 777) as u32)
        .map(|i| (i * 31 % 251) as u8)
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    for algorithm in [Algorithm::Crc32c, Algorithm::Crc64Nvme, Algorithm::Md5] {
        let whole = runtime
            .block_on(digest_file(&path, 0, bytes.len() as u64, algorithm))
            .unwrap();
        assert_eq!(whole, digest_bytes(algorithm, &bytes));
        let part = runtime.block_on(digest_file(&path, 1000, 300_000, algorithm)).unwrap();
        assert_eq!(part, digest_bytes(algorithm, &bytes[1000..301_000]));
    }
}

#[test]
fn a_file_shorter_than_expected_is_reported_as_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.bin");
    std::fs::write(&path, [1u8; 10]).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let error = runtime
        .block_on(digest_file(&path, 0, 11, Algorithm::Crc32c))
        .unwrap_err();
    assert_eq!(error, file_changed());
}

fn server(status: u16, code: &str, message: &str) -> StorageError {
    StorageError::Server {
        status: Some(status),
        code: code.into(),
        message: message.into(),
    }
}

#[test]
fn mismatch_codes_become_checksum_mismatch() {
    for (code, message) in [
        ("BadDigest", "content_md5 mismatch"),
        ("XAmzContentChecksumMismatch", ""),
        ("InvalidDigest", ""),
        (
            "InvalidRequest",
            "Value for x-amz-checksum-crc32c header is invalid: checksum did not match",
        ),
    ] {
        let refined = refine(server(400, code, message), Algorithm::Crc32c);
        assert!(
            matches!(refined, StorageError::ChecksumMismatch { .. }),
            "{code}: {refined}"
        );
    }
}

#[test]
fn r2_and_b2_refusals_of_checksum_headers_are_recognised() {
    let r2 = server(
        501,
        "NotImplemented",
        "Header 'x-amz-checksum-crc32c' with value 'abc' not implemented",
    );
    let b2 = server(
        400,
        "InvalidArgument",
        "Unsupported header 'x-amz-checksum-crc32c' received for this API call.",
    );
    for (error, code) in [(r2, "NotImplemented"), (b2, "InvalidArgument")] {
        assert_eq!(
            refine(error, Algorithm::Crc32c),
            StorageError::ChecksumRefused {
                header: "x-amz-checksum-crc32c".into(),
                code: code.into(),
            }
        );
    }
    let bare_501 = refine(server(501, "", ""), Algorithm::Crc64Nvme);
    assert_eq!(
        bare_501,
        StorageError::ChecksumRefused {
            header: "x-amz-checksum-crc64nvme".into(),
            code: "HTTP 501".into(),
        }
    );
}

#[test]
fn other_errors_and_md5_requests_are_left_alone() {
    // An argument error that is not about checksums stays what it was.
    let other = server(400, "InvalidArgument", "Part number must be between 1 and 10000");
    assert_eq!(refine(other.clone(), Algorithm::Crc32c), other);
    // With Content-MD5 there is nothing to fall back to: the 501 is reported.
    let refused = server(501, "NotImplemented", "");
    assert_eq!(refine(refused.clone(), Algorithm::Md5), refused);
    let denied = StorageError::AccessDenied {
        bucket: "b".into(),
        detail: "d".into(),
    };
    assert_eq!(refine(denied.clone(), Algorithm::Crc32c), denied);
}
