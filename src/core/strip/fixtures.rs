//! Test inputs built by hand: an EXIF block with GPS and Orientation, an XMP
//! packet with a position, and helpers to encode, splice and decode images.

use super::{StripReport, strip_bytes, strip_metadata};
use crate::core::ImageKind;
use image::{ImageDecoder, ImageEncoder, ImageFormat, ImageReader, RgbaImage, metadata::Orientation};
use std::io::Cursor;

/// A stand-in ICC profile: decoders hand it back as bytes without checking it.
pub const FAKE_ICC: &[u8] = b"fake ICC profile bytes that must survive the strip untouched";
/// The camera make in [`exif_tiff`]: its absence shows the EXIF went.
pub const CAMERA: &[u8] = b"PicbucketCam";
/// The GPS latitude numerators in [`exif_tiff`], distinctive bytes to look for.
pub const LATITUDE_MARK: [u8; 4] = [0x5A, 0xA5, 0x5A, 0xA5];
pub const XMP_WITH_GPS: &[u8] = b"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>\
<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\
<rdf:Description xmlns:exif='http://ns.adobe.com/exif/1.0/' exif:GPSLatitude='51,30.1234N' \
exif:GPSLongitude='0,7.5678W'/></rdf:RDF></x:xmpmeta><?xpacket end='w'?>";

/// A TIFF block: IFD0 with Make, Orientation and a GPS IFD pointer; the GPS
/// IFD with GPSLatitudeRef and GPSLatitude.
pub fn exif_tiff(orientation: u16, big_endian: bool) -> Vec<u8> {
    let mut t = Tiff {
        bytes: Vec::new(),
        big_endian,
    };
    t.bytes.extend_from_slice(if big_endian { b"MM\0*" } else { b"II*\0" });
    t.u32(8);
    // IFD0 at 8: 3 entries (8 + 2 + 36 + 4 = 50), then Make text at 50, GPS IFD at 64.
    t.u16(3);
    t.entry(0x010F, 2, CAMERA.len() as u32 + 1, 50);
    t.entry(0x0112, 3, 1, u32::from(orientation) << if big_endian { 16 } else { 0 });
    t.entry(0x8825, 4, 1, 64);
    t.u32(0);
    t.bytes.extend_from_slice(CAMERA);
    t.bytes.resize(64, 0);
    // GPS IFD at 64: 2 entries (64 + 2 + 24 + 4 = 94), latitude rationals at 94.
    t.u16(2);
    t.entry(0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0") * u32::from(big_endian));
    if !big_endian {
        let at = t.bytes.len() - 4;
        t.bytes[at..].copy_from_slice(b"N\0\0\0");
    }
    t.entry(0x0002, 5, 3, 94);
    t.u32(0);
    for _ in 0..3 {
        t.bytes.extend_from_slice(&LATITUDE_MARK);
        t.u32(1);
    }
    t.bytes
}

struct Tiff {
    bytes: Vec<u8>,
    big_endian: bool,
}

impl Tiff {
    fn u16(&mut self, v: u16) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes.extend_from_slice(&b);
    }
    fn u32(&mut self, v: u32) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes.extend_from_slice(&b);
    }
    fn entry(&mut self, tag: u16, kind: u16, count: u32, value: u32) {
        self.u16(tag);
        self.u16(kind);
        self.u32(count);
        self.u32(value);
    }
}

/// A noisy picture, so compressed data is large and varied.
pub fn picture(width: u32, height: u32) -> RgbaImage {
    let mut state = 0x1234_5678u32;
    RgbaImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x3F) as u8;
        image::Rgba([
            (x as u8).wrapping_add(noise),
            (y as u8).wrapping_mul(3),
            noise.wrapping_mul(4),
            255,
        ])
    })
}

/// Encodes `img` in `format` with the fake ICC profile and, when given, EXIF.
pub fn encode(format: ImageFormat, img: &RgbaImage, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let (w, h) = img.dimensions();
    match format {
        ImageFormat::Jpeg => {
            let rgb = image::DynamicImage::ImageRgba8(img.clone()).to_rgb8();
            let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            enc.set_icc_profile(FAKE_ICC.to_vec()).unwrap();
            assert!(exif.is_none(), "JPEG EXIF is spliced in by hand");
            enc.write_image(&rgb, w, h, image::ExtendedColorType::Rgb8).unwrap();
        }
        ImageFormat::Png => {
            let mut enc = image::codecs::png::PngEncoder::new(&mut out);
            enc.set_icc_profile(FAKE_ICC.to_vec()).unwrap();
            if let Some(exif) = exif {
                enc.set_exif_metadata(exif).unwrap();
            }
            enc.write_image(img, w, h, image::ExtendedColorType::Rgba8).unwrap();
        }
        ImageFormat::WebP => {
            let mut enc = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            enc.set_icc_profile(FAKE_ICC.to_vec()).unwrap();
            if let Some(exif) = exif {
                enc.set_exif_metadata(exif).unwrap();
            }
            enc.write_image(img, w, h, image::ExtendedColorType::Rgba8).unwrap();
        }
        other => panic!("no fixture encoder for {other:?}"),
    }
    out
}

/// Strips through the buffered reader (as for a file) and in place (as for
/// bytes in memory); checks both give the same bytes and report, and the
/// report's size and hash against the output.
pub fn strip(bytes: &[u8], kind: ImageKind) -> (Vec<u8>, StripReport) {
    use sha2::Digest;
    let mut out = Vec::new();
    let report = strip_metadata(&mut Cursor::new(bytes), kind, &mut out).unwrap();
    let mut in_place = Vec::new();
    let in_place_report = strip_bytes(bytes, kind, &mut in_place).unwrap();
    assert!(out == in_place, "stripping in place wrote other bytes");
    assert_eq!(report, in_place_report);
    assert_eq!(report.bytes_written, out.len() as u64);
    let digest: String = sha2::Sha256::digest(&out).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(report.sha256_hex, digest);
    (out, report)
}

pub fn pixels(bytes: &[u8], format: ImageFormat) -> Vec<u8> {
    image::load_from_memory_with_format(bytes, format)
        .unwrap()
        .to_rgba8()
        .into_raw()
}

/// What a decoder reports: orientation, ICC profile, raw EXIF.
pub fn decoded_metadata(bytes: &[u8], format: ImageFormat) -> (Orientation, Option<Vec<u8>>, Option<Vec<u8>>) {
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .unwrap();
    let icc = decoder.icc_profile().unwrap();
    let exif = decoder.exif_metadata().unwrap();
    let orientation = decoder.orientation().unwrap();
    (orientation, icc, exif)
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Fails when anything of the EXIF/XMP fixtures is left in `bytes`.
pub fn assert_no_location(bytes: &[u8]) {
    for needle in [CAMERA, &LATITUDE_MARK, b"GPSLatitude", b"xpacket", b"adobe:ns:meta"] {
        assert!(
            !contains(bytes, needle),
            "{:?} left in the output",
            String::from_utf8_lossy(needle)
        );
    }
}

/// xorshift bytes for hostile-input tests.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A PNG chunk with its length and CRC.
pub fn chunk(chunk_type: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(chunk_type);
    out.extend_from_slice(data);
    out.extend_from_slice(&(!super::png::crc32(super::png::crc32(!0, chunk_type), data)).to_be_bytes());
    out
}

/// Inserts `chunks` just before IEND.
pub fn before_iend(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    let (body, iend) = png.split_at(png.len() - 12);
    assert_eq!(&iend[4..8], b"IEND");
    let mut out = body.to_vec();
    for c in chunks {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(iend);
    out
}
