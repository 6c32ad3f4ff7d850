//! A splice made inside the buffer that holds its whole file: the pieces are
//! moved next to each other (the literal bytes written between them), so the
//! bytes to send need no second buffer. Of a photo whose metadata sits near
//! its start only the few bytes before the picture move; of an image whose
//! metadata sits near its end, only the few after it.

use super::{Part, Splice};
use std::ops::Range;

/// One piece of the output: where it is taken from and where it goes.
#[derive(Clone, Copy)]
struct Move {
    /// Offset in the buffer of a file piece; `None` for literal bytes.
    from: Option<usize>,
    literal_start: usize,
    len: usize,
    to: usize,
}

impl Splice {
    /// Makes the bytes inside `buf` (the whole file the splice was recorded
    /// from) and returns where they now are. `None`, with `buf` untouched,
    /// when a file piece lies outside `buf`, or when neither packing the
    /// pieces towards the start nor towards the end can move every piece
    /// before something is written over it.
    pub fn assemble_in_place(&self, buf: &mut [u8]) -> Option<Range<usize>> {
        let pieces = self.pieces_within(buf.len())?;
        let len = usize::try_from(self.len).ok()?;
        let plans = [towards_start(&pieces, buf.len()), towards_end(&pieces, len, buf.len())];
        let plan = plans.into_iter().flatten().min_by_key(|plan| plan.bytes_moved)?;
        // Towards the start pieces move left, so they go in order; towards
        // the end they move right, so the last goes first. Either way each is
        // moved before anything is written over it.
        let order: Box<dyn Iterator<Item = &Move>> = match plan.direction {
            Direction::TowardsStart => Box::new(plan.moves.iter()),
            Direction::TowardsEnd => Box::new(plan.moves.iter().rev()),
        };
        for m in order {
            match m.from {
                Some(from) => buf.copy_within(from..from + m.len, m.to),
                None => {
                    buf[m.to..m.to + m.len].copy_from_slice(&self.literals[m.literal_start..m.literal_start + m.len])
                }
            }
        }
        Some(plan.start..plan.start + len)
    }

    /// The parts as moves without a destination yet; `None` unless every
    /// file piece lies within `buf_len`. (Their order is free: a layout that
    /// passes the checks below writes over no piece before it has moved.)
    fn pieces_within(&self, buf_len: usize) -> Option<Vec<Move>> {
        let mut pieces = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            pieces.push(match *part {
                Part::File { offset, len } => {
                    let (from, len) = (usize::try_from(offset).ok()?, usize::try_from(len).ok()?);
                    if from.checked_add(len)? > buf_len {
                        return None;
                    }
                    Move {
                        from: Some(from),
                        literal_start: 0,
                        len,
                        to: 0,
                    }
                }
                Part::Literal { start, len } => Move {
                    from: None,
                    literal_start: start,
                    len,
                    to: 0,
                },
            });
        }
        Some(pieces)
    }
}

#[derive(Clone, Copy)]
enum Direction {
    TowardsStart,
    TowardsEnd,
}

struct Plan {
    /// Only the pieces that change place (and the literal bytes).
    moves: Vec<Move>,
    start: usize,
    bytes_moved: usize,
    direction: Direction,
}

/// The first file piece stays; the others follow it. Each piece's new place
/// must end before the next file piece begins (that one is still to move).
fn towards_start(pieces: &[Move], buf_len: usize) -> Option<Plan> {
    let index = pieces.iter().position(|p| p.from.is_some())?;
    let before: usize = pieces[..index].iter().map(|p| p.len).sum();
    let start = pieces[index].from?.checked_sub(before)?;
    place(pieces, start, Direction::TowardsStart, |index, to, len| {
        let limit = pieces[index + 1..].iter().find_map(|p| p.from).unwrap_or(buf_len);
        to + len <= limit
    })
}

/// The last file piece stays; the others go before it. Each piece's new
/// place must begin after the file piece before it ends (that one is still
/// to move).
fn towards_end(pieces: &[Move], len: usize, buf_len: usize) -> Option<Plan> {
    let index = pieces.iter().rposition(|p| p.from.is_some())?;
    let after: usize = pieces[index + 1..].iter().map(|p| p.len).sum();
    let end = pieces[index].from? + pieces[index].len + after;
    if end > buf_len {
        return None;
    }
    place(pieces, end.checked_sub(len)?, Direction::TowardsEnd, |index, to, _| {
        let limit = pieces[..index]
            .iter()
            .rev()
            .find_map(|p| p.from.map(|from| from + p.len));
        limit.is_none_or(|limit| to >= limit)
    })
}

/// The pieces laid out one after another from `start`; `None` when `fits`
/// (piece index, new offset, length) refuses a place.
fn place(
    pieces: &[Move],
    start: usize,
    direction: Direction,
    fits: impl Fn(usize, usize, usize) -> bool,
) -> Option<Plan> {
    let mut to = start;
    let mut bytes_moved = 0;
    let mut moves = Vec::with_capacity(pieces.len());
    for (index, piece) in pieces.iter().enumerate() {
        if !fits(index, to, piece.len) {
            return None;
        }
        if piece.from != Some(to) {
            bytes_moved += piece.len;
            moves.push(Move { to, ..*piece });
        }
        to += piece.len;
    }
    Some(Plan {
        moves,
        start,
        bytes_moved,
        direction,
    })
}

#[cfg(test)]
#[path = "splice_assemble_tests.rs"]
mod tests;
