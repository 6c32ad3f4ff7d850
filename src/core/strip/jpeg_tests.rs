use super::super::fixtures::*;
use super::super::{MetadataKind, StripError, primary_image_end, strip_metadata};
use crate::core::ImageKind;
use crate::core::validate::{Rejection, ValidationRules, validate};
use image::ImageFormat;
use image::metadata::Orientation;
use std::io::Cursor;

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn with_prefix(prefix: &[u8], body: &[u8]) -> Vec<u8> {
    [prefix, body].concat()
}

/// Inserts `segments` after the encoder's SOI and APP0.
fn splice(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    assert_eq!(&jpeg[2..4], &[0xFF, 0xE0], "the encoder writes JFIF APP0 first");
    let app0_end = 4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    let mut out = jpeg[..app0_end].to_vec();
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(&jpeg[app0_end..]);
    out
}

fn plain_jpeg(size: u32) -> Vec<u8> {
    encode(ImageFormat::Jpeg, &picture(size, size), None)
}

fn mpf_segment() -> Vec<u8> {
    segment(0xE2, &with_prefix(b"MPF\0", b"MM\0*\0\0\0\x08 multi-picture index"))
}

#[test]
fn exif_xmp_iptc_and_comments_go_while_icc_orientation_and_pixels_stay() {
    for big_endian in [true, false] {
        let plain = plain_jpeg(48);
        let input = splice(
            &plain,
            &[
                segment(0xE1, &with_prefix(b"Exif\0\0", &exif_tiff(6, big_endian))),
                segment(0xE1, &with_prefix(b"http://ns.adobe.com/xap/1.0/\0", XMP_WITH_GPS)),
                segment(
                    0xE1,
                    &with_prefix(b"http://ns.adobe.com/xmp/extension/\0", XMP_WITH_GPS),
                ),
                segment(0xED, b"Photoshop 3.0\08BIM\x04\x04 IPTC city"),
                segment(0xFE, b"shot at home"),
            ],
        );
        assert!(contains(&input, CAMERA) && contains(&input, b"GPSLatitude"));
        let (out, report) = strip(&input, ImageKind::Jpeg);

        assert!(report.had_gps);
        assert_eq!(
            report.removed,
            [
                MetadataKind::Exif,
                MetadataKind::Xmp,
                MetadataKind::Iptc,
                MetadataKind::Comment
            ]
        );
        assert_eq!(report.kept_orientation, Some(6));
        assert_no_location(&out);
        assert!(!contains(&out, b"IPTC city") && !contains(&out, b"shot at home"));
        let (orientation, icc, exif) = decoded_metadata(&out, ImageFormat::Jpeg);
        assert_eq!(orientation, Orientation::Rotate90);
        assert_eq!(icc.as_deref(), Some(FAKE_ICC));
        assert_eq!(exif.as_deref(), Some(&super::super::exif::minimal_tiff(6)[..]));
        assert_eq!(pixels(&out, ImageFormat::Jpeg), pixels(&input, ImageFormat::Jpeg));
        // Nothing but the metadata changed: the output is the plain encoding
        // with the minimal EXIF segment where the EXIF was.
        let minimal = segment(0xE1, &with_prefix(b"Exif\0\0", &super::super::exif::minimal_tiff(6)));
        assert_eq!(minimal.len(), 36);
        assert_eq!(out, splice(&plain, &[minimal]));
    }
}

#[test]
fn gps_in_xmp_alone_is_reported() {
    let input = splice(
        &plain_jpeg(16),
        &[segment(
            0xE1,
            &with_prefix(b"http://ns.adobe.com/xap/1.0/\0", XMP_WITH_GPS),
        )],
    );
    let (out, report) = strip(&input, ImageKind::Jpeg);
    assert!(report.had_gps);
    assert_eq!(report.removed, [MetadataKind::Xmp]);
    assert_eq!(report.kept_orientation, None);
    assert_eq!(out, plain_jpeg(16));
}

#[test]
fn a_clean_jpeg_comes_out_byte_for_byte() {
    let plain = plain_jpeg(32);
    let (out, report) = strip(&plain, ImageKind::Jpeg);
    assert_eq!(out, plain);
    assert!(!report.had_gps && report.removed.is_empty());
}

#[test]
fn orientation_one_is_not_written_back() {
    let plain = plain_jpeg(16);
    let input = splice(
        &plain,
        &[segment(0xE1, &with_prefix(b"Exif\0\0", &exif_tiff(1, false)))],
    );
    let (out, report) = strip(&input, ImageKind::Jpeg);
    assert_eq!((report.kept_orientation, report.had_gps), (None, true));
    assert_eq!(out, plain);
}

#[test]
fn mpf_secondary_images_and_motion_photo_videos_are_cut() {
    let plain = plain_jpeg(32);
    let mut with_mpf = splice(&plain, &[mpf_segment()]);
    with_mpf.extend_from_slice(&plain_jpeg(16)); // the secondary image
    let (out, report) = strip(&with_mpf, ImageKind::Jpeg);
    assert_eq!(out, plain);
    assert_eq!(report.removed, [MetadataKind::MultiPicture, MetadataKind::TrailingData]);

    let mut motion = plain.clone();
    motion.extend_from_slice(b"\0\0\0\x18ftypmp42\0\0\0\0isommp42 fake video bytes");
    let (out, report) = strip(&motion, ImageKind::Jpeg);
    assert_eq!(out, plain);
    assert_eq!(report.removed, [MetadataKind::TrailingData]);
    assert_eq!(
        primary_image_end(&mut Cursor::new(&motion), ImageKind::Jpeg).unwrap(),
        plain.len() as u64
    );
}

#[test]
fn a_jpeg_cut_to_a_third_is_truncated_for_the_walk_and_for_validation() {
    let mut bytes = plain_jpeg(256);
    bytes.truncate(bytes.len() / 3);
    assert!(matches!(
        primary_image_end(&mut Cursor::new(&bytes), ImageKind::Jpeg),
        Err(StripError::Truncated { kind: ImageKind::Jpeg })
    ));
    assert!(matches!(
        strip_metadata(&mut Cursor::new(&bytes), ImageKind::Jpeg, &mut Vec::new()),
        Err(StripError::Truncated { .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.jpg");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(
        validate(&path, &ValidationRules::default()),
        Err(Rejection::Truncated { kind: ImageKind::Jpeg })
    );
}

#[test]
fn a_jpeg_with_data_after_its_end_still_validates() {
    let plain = plain_jpeg(64);
    let mut bytes = splice(&plain, &[mpf_segment()]);
    bytes.extend_from_slice(&plain_jpeg(16));
    bytes.extend_from_slice(b"\0\0\0\x18ftypmp42 a motion-photo video");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("motion.jpg");
    std::fs::write(&path, &bytes).unwrap();
    let image = validate(&path, &ValidationRules::default()).unwrap();
    assert_eq!((image.width, image.height), (64, 64));
}

#[test]
fn progressive_scans_stuffing_and_restarts_are_walked_to_the_eoi() {
    // SOI, DHT, SOS + data, DHT, SOS + data, EOI: a progressive layout, with
    // stuffed FF00, a restart marker and fill bytes inside the scans.
    let sos = segment(0xDA, &[1, 1, 0, 0, 63, 0]);
    let dht = segment(0xC4, &[0u8; 17]);
    let mut bytes = vec![0xFF, 0xD8];
    bytes.extend_from_slice(&dht);
    bytes.extend_from_slice(&sos);
    bytes.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF]);
    bytes.extend_from_slice(&dht);
    bytes.extend_from_slice(&sos);
    bytes.extend_from_slice(&[0x78, 0xFF, 0x00, 0xFF, 0xD9]);
    let end = bytes.len() as u64;
    bytes.extend_from_slice(b"trailer");
    assert_eq!(
        primary_image_end(&mut Cursor::new(&bytes), ImageKind::Jpeg).unwrap(),
        end
    );
    let (out, _) = strip(&bytes, ImageKind::Jpeg);
    // The fill bytes before the DHT marker are not data: they are dropped.
    let mut expected = bytes[..end as usize].to_vec();
    let fill_at = 2 + dht.len() + sos.len() + 7;
    expected.drain(fill_at..fill_at + 2);
    assert_eq!(out, expected);
}

#[test]
fn fill_bytes_before_a_dropped_segment_do_not_join_what_follows() {
    // Fuzzer finding: `FF` fill kept before a dropped COM met the junk after
    // it and made a marker (here DHT with a length) the input never had.
    let plain = plain_jpeg(16);
    let input = [
        &plain[..20],
        &[0xFF, 0xFF],
        &segment(0xFE, b"note"),
        &[0xC4, 0x40, 0x00],
        &plain[20..],
    ]
    .concat();
    let (out, _) = strip(&input, ImageKind::Jpeg);
    assert_eq!(out, [&plain[..20], &[0xC4, 0x40, 0x00], &plain[20..]].concat());
    let (again, _) = strip(&out, ImageKind::Jpeg);
    assert_eq!(again, out);
}

#[test]
fn junk_between_segments_is_kept_as_decoders_may_read_it() {
    // Some decoders resume scan data after a stray marker; the junk after a
    // dropped segment must reach them unchanged.
    let plain = plain_jpeg(16);
    let sos = plain.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let scan = sos + 2 + usize::from(u16::from_be_bytes([plain[sos + 2], plain[sos + 3]]));
    let comment = segment(0xFE, b"note");
    let input = [&plain[..scan + 5], &comment, &plain[scan + 5..]].concat();
    let (out, report) = strip(&input, ImageKind::Jpeg);
    assert_eq!(report.removed, [MetadataKind::Comment]);
    assert_eq!(out, plain);
}

#[test]
fn ff00_runs_between_segments_are_read_as_libjpeg_and_zune_jpeg_read_them() {
    // Fuzzer finding: junk `FF 00` kept before a dropped segment met the
    // junk after it and changed what zune-jpeg read there.
    let plain = plain_jpeg(16);
    let cases: [(&[u8], &[u8], &[u8]); 2] = [
        // `FF 00` then the dropped segment's `FF`: fill before its marker.
        (&[0x09, 0xFF, 0x00], &[0x09, 0xFF, 0x00, 0xFF], &[0x09, 0x09]),
        // `FF 00 xx`: xx is junk, kept; the `FF 00` goes.
        (&[0xFF, 0x00, 0x07], &[0xFF, 0xFF, 0x00, 0x08], &[0x07, 0x08]),
    ];
    for (before, after, junk) in cases {
        let input = [&plain[..20], before, &segment(0xFE, b"note"), after, &plain[20..]].concat();
        let (out, _) = strip(&input, ImageKind::Jpeg);
        assert_eq!(out, [&plain[..20], junk, &plain[20..]].concat());
        assert_eq!(strip(&out, ImageKind::Jpeg).0, out);
        assert_eq!(pixels(&out, ImageFormat::Jpeg), pixels(&input, ImageFormat::Jpeg));
    }
}

#[test]
fn a_restart_marker_outside_scan_data_is_refused() {
    let plain = plain_jpeg(16);
    let input = [&plain[..20], &[0xFF, 0xD3][..], &plain[20..]].concat();
    assert!(matches!(
        strip_metadata(&mut Cursor::new(&input), ImageKind::Jpeg, &mut Vec::new()),
        Err(StripError::Malformed { .. })
    ));
}

#[test]
fn hostile_segments_give_typed_errors() {
    let plain = plain_jpeg(16);
    let zero_len = splice(&plain, &[vec![0xFF, 0xE1, 0x00, 0x00]]);
    assert!(matches!(
        strip_metadata(&mut Cursor::new(&zero_len), ImageKind::Jpeg, &mut Vec::new()),
        Err(StripError::Malformed { .. })
    ));
    // SOI + APP0, then an APP1 claiming 64 KiB of which 3 bytes are there.
    let past_eof = [&plain[..20], &[0xFF, 0xE1, 0xFF, 0xFF, 1, 2, 3][..]].concat();
    assert!(matches!(
        strip_metadata(&mut Cursor::new(&past_eof), ImageKind::Jpeg, &mut Vec::new()),
        Err(StripError::Truncated { .. })
    ));
    let not_jpeg = noise(4096, 7);
    assert!(matches!(
        primary_image_end(&mut Cursor::new(&not_jpeg), ImageKind::Jpeg),
        Err(StripError::Malformed { .. })
    ));
}
