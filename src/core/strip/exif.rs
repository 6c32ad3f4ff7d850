//! Just enough TIFF/EXIF to read two facts from IFD0 (Orientation, and whether a
//! GPS IFD is there) and to write a minimal EXIF holding only Orientation.
//! Every offset is bounds-checked: a damaged EXIF yields "no facts", never a panic.

/// What IFD0 of an EXIF block says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ExifFacts {
    pub orientation: Option<u16>,
    pub has_gps: bool,
}

const TAG_ORIENTATION: u16 = 0x0112;
const TAG_GPS_IFD: u16 = 0x8825;
const TYPE_SHORT: u16 = 3;
/// The JPEG APP1 (and some WebP writers') prefix before the TIFF header.
pub(super) const EXIF_PREFIX: &[u8] = b"Exif\0\0";
/// Length of [`minimal_tiff`]: header 8, count 2, one entry 12, next-IFD 4.
pub(super) const MINIMAL_TIFF_LEN: usize = 26;

/// The TIFF block without a leading `Exif\0\0`, if there is one.
pub(super) fn without_prefix(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(EXIF_PREFIX).unwrap_or(bytes)
}

/// Reads IFD0 of a TIFF block (`II*\0` or `MM\0*`).
pub(super) fn read_facts(tiff: &[u8]) -> ExifFacts {
    let mut facts = ExifFacts::default();
    let big_endian = match tiff.get(..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return facts,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let Some(ifd0) = u32_at(4).and_then(|o| usize::try_from(o).ok()) else {
        return facts;
    };
    let Some(count) = u16_at(ifd0) else {
        return facts;
    };
    for i in 0..usize::from(count) {
        let Some(entry) = ifd0.checked_add(2 + i * 12) else {
            break;
        };
        let (Some(tag), Some(kind), Some(n)) = (u16_at(entry), u16_at(entry + 2), u32_at(entry + 4)) else {
            break; // the IFD runs past the block: keep what was read
        };
        match tag {
            TAG_ORIENTATION if kind == TYPE_SHORT && n >= 1 => facts.orientation = u16_at(entry + 8),
            TAG_GPS_IFD => facts.has_gps = true,
            _ => {}
        }
    }
    facts
}

/// A big-endian TIFF block whose IFD0 holds only Orientation.
pub(super) fn minimal_tiff(orientation: u16) -> [u8; MINIMAL_TIFF_LEN] {
    let mut out = [0u8; MINIMAL_TIFF_LEN];
    out[..8].copy_from_slice(b"MM\0*\0\0\0\x08");
    out[8..10].copy_from_slice(&1u16.to_be_bytes());
    out[10..12].copy_from_slice(&TAG_ORIENTATION.to_be_bytes());
    out[12..14].copy_from_slice(&TYPE_SHORT.to_be_bytes());
    out[14..18].copy_from_slice(&1u32.to_be_bytes());
    out[18..20].copy_from_slice(&orientation.to_be_bytes());
    // 20..22: padding of the 4-byte value field; 22..26: no next IFD.
    out
}

/// Orientation worth keeping: present and not the identity (1).
pub(super) fn orientation_to_keep(facts: &ExifFacts) -> Option<u16> {
    facts.orientation.filter(|&o| o != 1 && (2..=8).contains(&o))
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// XMP names GPS positions `exif:GPSLatitude` (attribute or element).
pub(super) const XMP_GPS_NEEDLE: &[u8] = b"GPSLatitude";

/// Decodes the hex of an ImageMagick "Raw profile type exif/APP1" PNG text
/// chunk (`\nexif\n   LEN\nHEX…`) into `out`, up to its capacity.
pub(super) fn decode_raw_profile(text: &[u8], out: &mut Vec<u8>) {
    // The hex starts after the third newline (blank, name, length).
    let mut newlines = 0;
    let Some(start) = text.iter().position(|&b| {
        newlines += usize::from(b == b'\n');
        newlines == 3
    }) else {
        return;
    };
    let mut high: Option<u8> = None;
    for &b in &text[start + 1..] {
        let nibble = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => continue,
        };
        match high.take() {
            None => high = Some(nibble),
            Some(h) if out.len() < out.capacity() => out.push(h << 4 | nibble),
            Some(_) => return,
        }
    }
}
