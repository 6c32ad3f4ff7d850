//! A PNG's size from its IHDR chunk, which the format requires to come
//! first. The png crate's decoder reads (and checks the CRC of) every chunk
//! before the first IDAT to report a size, so a PNG with large chunks up
//! front was read whole before its upload could start; this reads 33 bytes.

use std::io::Read;

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];

/// Width and height from the signature and IHDR chunk at the start of
/// `reader`, with the chunk's CRC and fields checked; the reason when they
/// are not a valid PNG header.
pub(crate) fn png_dimensions<R: Read>(reader: &mut R) -> Result<(u32, u32), &'static str> {
    let mut head = [0u8; 33];
    reader
        .read_exact(&mut head)
        .map_err(|_| "the file ends inside its header")?;
    if head[..8] != SIGNATURE {
        return Err("no PNG signature");
    }
    if head[8..12] != 13u32.to_be_bytes() || &head[12..16] != b"IHDR" {
        return Err("the first chunk is not a 13-byte IHDR");
    }
    let crc = u32::from_be_bytes([head[29], head[30], head[31], head[32]]);
    if crc32fast::hash(&head[12..29]) != crc {
        return Err("the IHDR chunk fails its CRC check");
    }
    let field = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let (width, height) = (field(16), field(20));
    // The spec's limit: sides fit in a signed 32-bit integer.
    if width > i32::MAX as u32 || height > i32::MAX as u32 {
        return Err("a side longer than PNG allows");
    }
    let (bit_depth, color_type) = (head[24], head[25]);
    let depth_allowed = match color_type {
        0 => [1, 2, 4, 8, 16].contains(&bit_depth),
        3 => [1, 2, 4, 8].contains(&bit_depth),
        2 | 4 | 6 => [8, 16].contains(&bit_depth),
        _ => return Err("an unknown colour type"),
    };
    if !depth_allowed {
        return Err("a bit depth its colour type does not allow");
    }
    // Compression and filter method 0 are the only ones; interlace 0 or 1.
    if head[26] != 0 || head[27] != 0 || head[28] > 1 {
        return Err("an unknown compression, filter or interlace method");
    }
    Ok((width, height))
}

#[cfg(test)]
#[path = "png_header_tests.rs"]
mod tests;
