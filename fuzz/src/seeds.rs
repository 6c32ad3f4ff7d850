//! Writes a seed corpus (small images with metadata) to the folder given as
//! the first argument: `cargo run --bin seeds -- corpus/strip`.

use image::codecs::gif::{GifEncoder, Repeat};
use image::{ExtendedColorType, Frame, ImageEncoder, RgbaImage};
use std::path::Path;

const XMP: &[u8] = b"<x:xmpmeta><rdf:Description exif:GPSLatitude='51,30N'/></x:xmpmeta>";

/// IFD0: Orientation 6 and a GPS IFD pointer; an empty GPS IFD.
fn exif() -> Vec<u8> {
    let mut t = b"MM\0*\0\0\0\x08\0\x02".to_vec();
    t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    t.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    t
}

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    [&[0xFF, marker][..], &(body.len() as u16 + 2).to_be_bytes(), body].concat()
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: seeds FOLDER");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("create the corpus folder");
    let img = RgbaImage::from_fn(12, 10, |x, y| image::Rgba([(x * 20) as u8, (y * 25) as u8, 128, 255]));
    let rgb = image::DynamicImage::ImageRgba8(img.clone()).to_rgb8();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write a seed");

    let mut jpeg = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new(&mut jpeg);
    enc.set_icc_profile(b"icc".to_vec()).unwrap();
    enc.write_image(&rgb, 12, 10, ExtendedColorType::Rgb8).unwrap();
    write("plain.jpg", &jpeg);
    let mut meta = jpeg[..2].to_vec();
    meta.extend(segment(0xE1, &[&b"Exif\0\0"[..], &exif()].concat()));
    meta.extend(segment(0xE1, &[&b"http://ns.adobe.com/xap/1.0/\0"[..], XMP].concat()));
    meta.extend(segment(0xE2, b"MPF\0MM\0*"));
    meta.extend(segment(0xFE, b"comment"));
    meta.extend_from_slice(&jpeg[2..]);
    meta.extend_from_slice(&jpeg);
    write("meta.jpg", &meta);

    for (name, exif) in [("plain.png", None), ("meta.png", Some(exif()))] {
        let mut png = Vec::new();
        let mut enc = image::codecs::png::PngEncoder::new(&mut png);
        enc.set_icc_profile(b"icc".to_vec()).unwrap();
        if let Some(exif) = exif {
            enc.set_exif_metadata(exif).unwrap();
        }
        enc.write_image(&img, 12, 10, ExtendedColorType::Rgba8).unwrap();
        write(name, &png);
    }
    for (name, exif) in [("plain.webp", None), ("meta.webp", Some(exif()))] {
        let mut webp = Vec::new();
        let mut enc = image::codecs::webp::WebPEncoder::new_lossless(&mut webp);
        if let Some(exif) = exif {
            enc.set_icc_profile(b"icc".to_vec()).unwrap();
            enc.set_exif_metadata(exif).unwrap();
        }
        enc.write_image(&img, 12, 10, ExtendedColorType::Rgba8).unwrap();
        write(name, &webp);
    }
    let mut gif = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut gif);
        enc.set_repeat(Repeat::Infinite).unwrap();
        enc.encode_frames([Frame::new(img.clone()), Frame::new(img)]).unwrap();
    }
    write("plain.gif", &gif);
    let flags = gif[10];
    let header = 13 + if flags & 0x80 != 0 { 3 << ((flags & 7) + 1) } else { 0 };
    let mut meta = gif[..header].to_vec();
    meta.extend_from_slice(b"\x21\xFE\x07comment\x00");
    meta.extend_from_slice(b"\x21\xFF\x0BXMP DataXMP\x05GPSLa\x00");
    meta.extend_from_slice(&gif[header..]);
    write("meta.gif", &meta);
}
