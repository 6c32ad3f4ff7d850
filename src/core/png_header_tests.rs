use super::png_dimensions;
use crate::test_support::image_bytes;
use crc32fast::hash as crc32;
use image::{DynamicImage, ImageFormat};
use std::io::{Cursor, Read};

fn png_of(img: DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
    out
}

/// `png` with IHDR byte `at` (offset in the file) set to `value` and the CRC
/// made right again, so the check under test is the one that speaks.
fn with_ihdr_byte(png: &[u8], at: usize, value: u8) -> Vec<u8> {
    let mut bytes = png.to_vec();
    bytes[at] = value;
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn dimensions(bytes: &[u8]) -> Result<(u32, u32), &'static str> {
    png_dimensions(&mut Cursor::new(bytes))
}

#[test]
fn the_crc_is_png_s() {
    assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

#[test]
fn sizes_agree_with_the_png_decoder_for_every_colour_type() {
    let images = [
        DynamicImage::new_luma8(17, 3),
        DynamicImage::new_luma_a8(5, 9),
        DynamicImage::new_rgb8(300, 1),
        DynamicImage::new_rgba8(1, 200),
        DynamicImage::new_rgb16(33, 44),
    ];
    for img in images {
        let png = png_of(img);
        let decoder = image::ImageReader::with_format(Cursor::new(&png), ImageFormat::Png);
        assert_eq!(dimensions(&png), Ok(decoder.into_dimensions().unwrap()));
    }
}

#[test]
fn a_large_chunk_before_the_image_data_is_not_read() {
    struct Counting<R> {
        inner: R,
        read: usize,
    }
    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n;
            Ok(n)
        }
    }
    let png = image_bytes(ImageFormat::Png, 40, 30, 2);
    let mut big = png[..33].to_vec();
    big.extend_from_slice(&(1u32 << 20).to_be_bytes());
    big.extend_from_slice(b"npAd");
    big.resize(big.len() + (1 << 20) + 4, 7);
    big.extend_from_slice(&png[33..]);
    let mut reader = Counting {
        inner: Cursor::new(&big),
        read: 0,
    };
    assert_eq!(png_dimensions(&mut reader), Ok((40, 30)));
    assert_eq!(reader.read, 33);
}

#[test]
fn each_damaged_header_field_is_named() {
    let png = png_of(DynamicImage::new_rgb8(8, 6));
    let cases: [(Vec<u8>, &str); 10] = [
        (png[..32].to_vec(), "the file ends inside its header"),
        (with_ihdr_byte(&png, 1, b'Q'), "no PNG signature"),
        (with_ihdr_byte(&png, 11, 14), "the first chunk is not a 13-byte IHDR"),
        (with_ihdr_byte(&png, 15, b'X'), "the first chunk is not a 13-byte IHDR"),
        (with_ihdr_byte(&png, 16, 0x80), "a side longer than PNG allows"),
        (with_ihdr_byte(&png, 20, 0x80), "a side longer than PNG allows"),
        (with_ihdr_byte(&png, 25, 5), "an unknown colour type"),
        (
            with_ihdr_byte(&png, 24, 4),
            "a bit depth its colour type does not allow",
        ),
        (
            with_ihdr_byte(&png, 26, 1),
            "an unknown compression, filter or interlace method",
        ),
        (
            with_ihdr_byte(&png, 28, 2),
            "an unknown compression, filter or interlace method",
        ),
    ];
    for (bytes, reason) in cases {
        assert_eq!(dimensions(&bytes), Err(reason));
    }
    let mut bad_crc = png.clone();
    bad_crc[32] ^= 1;
    assert_eq!(dimensions(&bad_crc), Err("the IHDR chunk fails its CRC check"));
    assert_eq!(
        dimensions(&with_ihdr_byte(&png, 27, 1)),
        Err("an unknown compression, filter or interlace method")
    );
}

#[test]
fn the_edges_of_what_png_allows_pass() {
    let png = png_of(DynamicImage::new_rgb8(8, 6));
    // Adam7 interlacing.
    assert_eq!(dimensions(&with_ihdr_byte(&png, 28, 1)), Ok((8, 6)));
    // The longest side PNG allows: 2^31 - 1.
    let mut longest = png.clone();
    longest[16..20].copy_from_slice(&(i32::MAX as u32).to_be_bytes());
    let longest = with_ihdr_byte(&longest, 16, 0x7F);
    assert_eq!(dimensions(&longest), Ok((i32::MAX as u32, 6)));
    let mut tallest = png.clone();
    tallest[20..24].copy_from_slice(&(i32::MAX as u32).to_be_bytes());
    let tallest = with_ihdr_byte(&tallest, 20, 0x7F);
    assert_eq!(dimensions(&tallest), Ok((8, i32::MAX as u32)));
    // Each colour type with its deepest and shallowest allowed depth.
    for (color_type, depths) in [(0u8, [1u8, 16]), (3, [1, 8]), (2, [8, 16]), (4, [8, 16]), (6, [8, 16])] {
        for depth in depths {
            let bytes = with_ihdr_byte(&with_ihdr_byte(&png, 25, color_type), 24, depth);
            assert_eq!(dimensions(&bytes), Ok((8, 6)), "type {color_type} depth {depth}");
        }
    }
    // Not allowed: 16-bit palettes, 4-bit RGB.
    assert!(dimensions(&with_ihdr_byte(&with_ihdr_byte(&png, 25, 3), 24, 16)).is_err());
    assert!(dimensions(&with_ihdr_byte(&png, 24, 4)).is_err());
}
