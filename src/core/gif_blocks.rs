//! A GIF's blocks walked up to its first image: the header decode alone
//! would accept a GIF header followed by anything (a polyglot).

use crate::core::image_kind::ImageKind;
use crate::core::validate::{Rejection, io_rejection};
use std::io::{BufReader, Read, Seek, SeekFrom};

/// The GIF header decode stops after the screen descriptor, so anything could
/// follow it: HTML, script or a ZIP (a polyglot). Walks the blocks up to the
/// first image and checks that one starts there. Extensions are skipped by
/// their lengths, not read.
pub(crate) fn check_gif_has_an_image<R: Read + Seek>(reader: &mut BufReader<R>) -> Result<(), Rejection> {
    reader.seek(SeekFrom::Start(0)).map_err(|e| io_rejection(&e))?;
    let mut header = [0u8; 13];
    read_gif(reader, &mut header)?;
    skip_color_table(reader, header[10])?;
    loop {
        let mut introducer = [0u8; 1];
        read_gif(reader, &mut introducer)?;
        match introducer[0] {
            // Extension: a label, then data sub-blocks up to an empty one.
            0x21 => {
                let mut label_and_size = [0u8; 2];
                read_gif(reader, &mut label_and_size)?;
                let mut size = label_and_size[1];
                while size != 0 {
                    reader.seek_relative(i64::from(size)).map_err(|e| io_rejection(&e))?;
                    let mut next = [0u8; 1];
                    read_gif(reader, &mut next)?;
                    size = next[0];
                }
            }
            // Image descriptor, optional local colour table, LZW code size.
            0x2C => {
                let mut descriptor = [0u8; 9];
                read_gif(reader, &mut descriptor)?;
                skip_color_table(reader, descriptor[8])?;
                let mut code_size = [0u8; 1];
                read_gif(reader, &mut code_size)?;
                return if (1..=12).contains(&code_size[0]) {
                    Ok(())
                } else {
                    Err(gif_rejection("its first image's data is not GIF image data"))
                };
            }
            0x3B => return Err(gif_rejection("it ends without any image")),
            _ => return Err(gif_rejection("what follows its header is not GIF data")),
        }
    }
}

fn gif_rejection(detail: &str) -> Rejection {
    Rejection::BadHeader {
        kind: ImageKind::Gif,
        detail: detail.into(),
    }
}

fn read_gif<R: Read>(reader: &mut BufReader<R>, buf: &mut [u8]) -> Result<(), Rejection> {
    reader.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => gif_rejection("it ends before its first image"),
        _ => io_rejection(&e),
    })
}

/// Skips the colour table that `packed` (a screen or image descriptor's flags) announces.
fn skip_color_table<R: Read + Seek>(reader: &mut BufReader<R>, packed: u8) -> Result<(), Rejection> {
    if packed & 0x80 == 0 {
        return Ok(());
    }
    let entries = 2i64 << (packed & 0x07);
    reader.seek_relative(3 * entries).map_err(|e| io_rejection(&e))
}
