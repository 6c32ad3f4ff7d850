use super::super::fixtures::*;
use super::super::{MetadataKind, StripError, primary_image_end, strip_metadata};
use crate::core::ImageKind;
use crate::core::validate::{Rejection, ValidationRules, validate};
use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::{AnimationDecoder, Frame};
use std::io::Cursor;

fn animated_gif() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut out);
        encoder.set_repeat(Repeat::Infinite).unwrap();
        let frames = (0..3u32).map(|i| {
            let img = image::RgbaImage::from_fn(20, 12, |x, y| {
                image::Rgba([(x * 12) as u8, (y * 20) as u8, (i * 80) as u8, 255])
            });
            Frame::new(img)
        });
        encoder.encode_frames(frames).unwrap();
    }
    out
}

fn frames(gif: &[u8]) -> Vec<Vec<u8>> {
    let decoder = GifDecoder::new(Cursor::new(gif)).unwrap();
    decoder
        .into_frames()
        .collect_frames()
        .unwrap()
        .into_iter()
        .map(|f| f.into_buffer().into_raw())
        .collect()
}

fn sub_blocks(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for block in data.chunks(255) {
        out.push(block.len() as u8);
        out.extend_from_slice(block);
    }
    out.push(0);
    out
}

fn application(id: &[u8; 11], data: &[u8]) -> Vec<u8> {
    [&[0x21, 0xFF, 11][..], id, &sub_blocks(data)].concat()
}

/// Length of the header and global colour table.
fn header_len(gif: &[u8]) -> usize {
    let flags = gif[10];
    13 + if flags & 0x80 != 0 { 3 << ((flags & 7) + 1) } else { 0 }
}

/// Inserts `blocks` after the header and global colour table.
fn splice(gif: &[u8], blocks: &[Vec<u8>]) -> Vec<u8> {
    let at = header_len(gif);
    let mut out = gif[..at].to_vec();
    for b in blocks {
        out.extend_from_slice(b);
    }
    out.extend_from_slice(&gif[at..]);
    out
}

#[test]
fn comments_and_xmp_go_while_the_loop_and_frames_stay() {
    let plain = animated_gif();
    assert!(contains(&plain, b"NETSCAPE2.0"));
    let comment = [&[0x21, 0xFE][..], &sub_blocks(b"taken at home")].concat();
    // An XMP packet long enough to span several sub-blocks.
    let xmp = [XMP_WITH_GPS, &[b' '; 300][..], XMP_WITH_GPS].concat();
    let input = splice(
        &plain,
        &[
            comment,
            application(b"XMP DataXMP", &xmp),
            application(b"PICBUCKET01", b"app data"),
        ],
    );
    let (out, report) = strip(&input, ImageKind::Gif);

    assert!(report.had_gps);
    assert_eq!(
        report.removed,
        [MetadataKind::Comment, MetadataKind::Xmp, MetadataKind::Other]
    );
    assert_eq!(out, plain);
    assert_no_location(&out);
    assert_eq!(frames(&out), frames(&input));
    assert_eq!(frames(&out).len(), 3);
}

#[test]
fn gps_split_across_sub_blocks_is_still_seen() {
    let plain = animated_gif();
    // 255-byte blocks: put "GPSLatitude" across the first boundary.
    let data = [&[b'x'; 250][..], b"exif:GPSLatitude='1'"].concat();
    let input = splice(&plain, &[application(b"XMP DataXMP", &data)]);
    let (_, report) = strip(&input, ImageKind::Gif);
    assert!(report.had_gps);
}

#[test]
fn a_gif_without_its_trailer_is_truncated() {
    let plain = animated_gif();
    let cut = &plain[..plain.len() - 1];
    assert!(matches!(
        primary_image_end(&mut Cursor::new(cut), ImageKind::Gif),
        Err(StripError::Truncated { kind: ImageKind::Gif })
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.gif");
    std::fs::write(&path, cut).unwrap();
    assert_eq!(
        validate(&path, &ValidationRules::default()),
        Err(Rejection::Truncated { kind: ImageKind::Gif })
    );
    // With data after the trailer it is whole, and validates.
    let path = dir.path().join("appended.gif");
    std::fs::write(&path, [&plain[..], b"appended"].concat()).unwrap();
    assert!(validate(&path, &ValidationRules::default()).is_ok());
    assert_eq!(
        primary_image_end(&mut Cursor::new(&plain), ImageKind::Gif).unwrap(),
        plain.len() as u64
    );
}

#[test]
fn hostile_gifs_give_typed_errors() {
    let plain = animated_gif();
    let run = |bytes: &[u8]| strip_metadata(&mut Cursor::new(bytes), ImageKind::Gif, &mut Vec::new());
    let mut bad_block = plain.clone();
    let at = bad_block.len() - 1;
    bad_block[at] = 0x99; // not a trailer, image or extension
    assert!(matches!(run(&bad_block), Err(StripError::Malformed { .. })));
    // A sub-block claiming more bytes than remain.
    let cut = [&plain[..header_len(&plain)], &[0x21, 0xFE, 200, b'a']].concat();
    assert!(matches!(run(&cut), Err(StripError::Truncated { .. })));
    assert!(matches!(run(&noise(100, 9)), Err(StripError::Malformed { .. })));
}
