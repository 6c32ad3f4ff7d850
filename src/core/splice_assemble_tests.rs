use crate::core::ImageKind;
use crate::core::splice::tests::{damaged_samples, recorded_strip as recorded, samples};
use crate::core::splice::{Part, Splice};
use crate::core::strip::fixtures::noise;
use image::ImageFormat;

/// Assembles in a copy of `original`; the copy and where the bytes are.
fn assembled(splice: &Splice, original: &[u8]) -> (Vec<u8>, Option<std::ops::Range<usize>>) {
    let mut buf = original.to_vec();
    let range = splice.assemble_in_place(&mut buf);
    (buf, range)
}

#[test]
fn stripped_images_are_made_inside_their_file_byte_for_byte() {
    let mut with_literals = 0;
    for (kind, original) in samples() {
        let (stripped, splice) = recorded(&original, kind).unwrap();
        with_literals += usize::from(!splice.literals.is_empty());
        let (buf, range) = assembled(&splice, &original);
        let range = range.unwrap_or_else(|| panic!("{kind}: no layout"));
        assert!(buf[range] == stripped[..], "{kind}");
    }
    assert!(
        with_literals >= 1,
        "the minimal EXIF of the rotated photo is literal bytes"
    );
}

#[test]
fn damaged_images_that_strip_are_made_inside_their_file_exactly() {
    let mut checked = 0;
    for (kind, seed, bytes) in damaged_samples() {
        if let Some((stripped, splice)) = recorded(&bytes, kind)
            && let (buf, Some(range)) = assembled(&splice, &bytes)
        {
            assert!(buf[range] == stripped[..], "{kind} seed {seed}");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn a_photo_with_its_exif_at_the_start_moves_only_the_bytes_before_the_picture() {
    let original = crate::test_support::jpeg_with_gps(400, 300);
    let (stripped, splice) = recorded(&original, ImageKind::Jpeg).unwrap();
    let (buf, range) = assembled(&splice, &original);
    let range = range.unwrap();
    assert_eq!(range.end, original.len(), "packed towards the end");
    assert_eq!(range.len(), stripped.len());
    // The picture's scan data (most of the file) is where it was.
    let unmoved = buf.iter().zip(&original).rev().take_while(|(a, b)| a == b).count();
    assert!(
        unmoved as f64 > 0.8 * stripped.len() as f64,
        "{unmoved} of {}",
        stripped.len()
    );
}

#[test]
fn an_image_with_bytes_to_drop_at_its_end_moves_only_what_follows_them() {
    let mut original = crate::test_support::image_bytes(ImageFormat::Png, 60, 40, 2);
    let picture_len = original.len();
    original.extend_from_slice(&noise(5000, 7)); // appended after IEND: dropped
    let (stripped, splice) = recorded(&original, ImageKind::Png).unwrap();
    assert_eq!(stripped.len(), picture_len);
    let (buf, range) = assembled(&splice, &original);
    assert_eq!(range, Some(0..picture_len), "packed towards the start, nothing moved");
    assert!(buf == original, "nothing written");
}

#[test]
fn the_whole_file_is_its_own_bytes() {
    let original = crate::test_support::image_bytes(ImageFormat::Png, 30, 20, 1);
    let (_, splice) = recorded(&original, ImageKind::Png).unwrap();
    assert_eq!(
        assembled(&splice, &original),
        (original.clone(), Some(0..original.len()))
    );
}

#[test]
fn literal_bytes_that_fit_nowhere_leave_the_buffer_untouched() {
    // 10 bytes of the file, 20 literal bytes, the next 10 bytes: 40 bytes
    // from a 20-byte buffer.
    let splice = Splice {
        parts: vec![
            Part::File { offset: 0, len: 10 },
            Part::Literal { start: 0, len: 20 },
            Part::File { offset: 10, len: 10 },
        ],
        literals: vec![7; 20],
        len: 40,
    };
    let original: Vec<u8> = (0..20).collect();
    assert_eq!(assembled(&splice, &original), (original.clone(), None));
    // Where dropped bytes left a gap, the literal goes into it.
    let splice = Splice {
        parts: vec![
            Part::File { offset: 0, len: 10 },
            Part::Literal { start: 0, len: 5 },
            Part::File { offset: 15, len: 5 },
        ],
        literals: vec![7; 5],
        len: 20,
    };
    let (buf, range) = assembled(&splice, &original);
    assert_eq!(range, Some(0..20));
    assert_eq!(buf, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 7, 7, 7, 7, 7, 15, 16, 17, 18, 19]);
}

#[test]
fn a_literal_before_the_first_piece_needs_room_before_it() {
    let splice = Splice {
        parts: vec![Part::Literal { start: 0, len: 4 }, Part::File { offset: 4, len: 6 }],
        literals: vec![9; 4],
        len: 10,
    };
    let original: Vec<u8> = (0..10).collect();
    let (buf, range) = assembled(&splice, &original);
    assert_eq!(range, Some(0..10));
    assert_eq!(buf, [9, 9, 9, 9, 4, 5, 6, 7, 8, 9]);
    // Only 3 bytes before the piece: the literal cannot go there, and
    // after the piece it would need a byte past the buffer's end.
    assert_eq!(assembled(&splice, &original[1..]).1, None);
}

#[test]
fn pieces_past_the_buffer_or_overlapping_are_refused() {
    let backwards = Splice {
        parts: vec![Part::File { offset: 5, len: 5 }, Part::File { offset: 0, len: 5 }],
        literals: Vec::new(),
        len: 10,
    };
    let original: Vec<u8> = (0..10).collect();
    assert_eq!(assembled(&backwards, &original), (original.clone(), None));
    // Packed towards the start, the second piece would be copied from past
    // the buffer's end.
    let past_the_end = Splice {
        parts: vec![Part::File { offset: 0, len: 2 }, Part::File { offset: 9, len: 3 }],
        literals: Vec::new(),
        len: 5,
    };
    assert_eq!(assembled(&past_the_end, &original), (original.clone(), None));
    let overlapping = Splice {
        parts: vec![Part::File { offset: 0, len: 6 }, Part::File { offset: 5, len: 3 }],
        literals: Vec::new(),
        len: 9,
    };
    assert_eq!(assembled(&overlapping, &original), (original.clone(), None));
}

#[test]
fn of_two_layouts_the_one_moving_fewer_bytes_is_taken() {
    // A gap of 2 after 3 bytes, then 5 bytes: towards the end moves 3,
    // towards the start 5.
    let splice = Splice {
        parts: vec![Part::File { offset: 0, len: 3 }, Part::File { offset: 5, len: 5 }],
        literals: Vec::new(),
        len: 8,
    };
    let original: Vec<u8> = (0..10).collect();
    let (buf, range) = assembled(&splice, &original);
    assert_eq!(range, Some(2..10));
    assert_eq!(buf, [0, 1, 0, 1, 2, 5, 6, 7, 8, 9]);
    // Mirrored: 5 bytes, a gap of 2, then 3 bytes: towards the start.
    let splice = Splice {
        parts: vec![Part::File { offset: 0, len: 5 }, Part::File { offset: 7, len: 3 }],
        literals: Vec::new(),
        len: 8,
    };
    let (buf, range) = assembled(&splice, &original);
    assert_eq!(range, Some(0..8));
    assert_eq!(buf, [0, 1, 2, 3, 4, 7, 8, 9, 8, 9]);
}

#[test]
fn towards_the_end_the_last_piece_stays_even_before_bytes_dropped_at_the_end() {
    // 3 bytes, a gap of 2, 5 bytes, then 2 bytes dropped.
    let splice = Splice {
        parts: vec![Part::File { offset: 0, len: 3 }, Part::File { offset: 5, len: 5 }],
        literals: Vec::new(),
        len: 8,
    };
    let original: Vec<u8> = (0..12).collect();
    let (buf, range) = assembled(&splice, &original);
    assert_eq!(range, Some(2..10));
    assert_eq!(buf, [0, 1, 0, 1, 2, 5, 6, 7, 8, 9, 10, 11]);
}

#[test]
fn literal_bytes_after_the_last_piece_must_end_within_the_buffer() {
    let splice = Splice {
        parts: vec![Part::File { offset: 0, len: 8 }, Part::Literal { start: 0, len: 4 }],
        literals: vec![1; 4],
        len: 12,
    };
    let original: Vec<u8> = (0..10).collect();
    assert_eq!(assembled(&splice, &original), (original.clone(), None));
}

#[test]
fn towards_the_end_nothing_is_written_over_the_piece_before_it_moves() {
    // One byte at 4, two literal bytes, the bytes at 6..8: towards the end
    // the literal would land on the byte at 4 before it moved; towards the
    // start it would land on the piece at 6.
    let splice = Splice {
        parts: vec![
            Part::File { offset: 4, len: 1 },
            Part::Literal { start: 0, len: 2 },
            Part::File { offset: 6, len: 2 },
        ],
        literals: vec![0xAA; 2],
        len: 5,
    };
    let original: Vec<u8> = (0..8).collect();
    assert_eq!(assembled(&splice, &original), (original.clone(), None));
}
