use super::*;

/// Hands out at most `step` bytes a read, with an `Interrupted` before each.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
    interrupt: bool,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = out.len().min(self.step).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn data() -> Vec<u8> {
    (0..1000u32).map(|i| (i * 7 % 251) as u8).collect()
}

#[test]
fn bytes_read_one_at_a_time_across_refills_are_the_input() {
    let data = data();
    let mut reader = ByteReader::with_capacity(
        16,
        Trickle {
            data: &data,
            step: 5,
            interrupt: false,
        },
    );
    let mut got = Vec::new();
    let mut byte = [0u8];
    // Bounded: a reader that never ends must fail here, not hang.
    for _ in 0..=data.len() {
        if reader.read_exact(&mut byte).is_err() {
            break;
        }
        got.push(byte[0]);
    }
    assert_eq!(got, data);
}

#[test]
fn reads_of_every_size_give_the_input_in_order() {
    let data = data();
    let mut reader = ByteReader::with_capacity(
        16,
        Trickle {
            data: &data,
            step: 7,
            interrupt: false,
        },
    );
    let mut got = Vec::new();
    for size in (1..40).cycle().take(data.len()) {
        let mut chunk = vec![0u8; size];
        if reader.read_exact(&mut chunk).is_err() {
            break;
        }
        got.extend_from_slice(&chunk);
    }
    assert_eq!(got, data[..got.len()]);
    assert!(data.len() - got.len() < 40, "stopped only at the end");
}

#[test]
fn a_read_past_the_end_is_unexpected_eof() {
    let mut reader = ByteReader::with_capacity(4, &b"abc"[..]);
    let mut out = [0u8; 4];
    assert_eq!(
        reader.read_exact(&mut out).unwrap_err().kind(),
        io::ErrorKind::UnexpectedEof
    );
    assert_eq!(reader.read(&mut out).unwrap(), 0);
}

#[test]
fn plain_reads_take_what_is_buffered_then_large_ones_go_straight_through() {
    let data = data();
    let mut reader = ByteReader::with_capacity(16, &data[..]);
    let mut small = [0u8; 3];
    assert_eq!(reader.read(&mut small).unwrap(), 3);
    let mut rest_of_buffer = [0u8; 64];
    assert_eq!(reader.read(&mut rest_of_buffer).unwrap(), 13, "only what was buffered");
    let mut large = [0u8; 100];
    assert_eq!(
        reader.read(&mut large).unwrap(),
        100,
        "past the buffer's size: one read"
    );
    let mut got = small.to_vec();
    got.extend_from_slice(&rest_of_buffer[..13]);
    got.extend_from_slice(&large);
    assert_eq!(got, data[..116]);
}

#[test]
fn an_error_other_than_interrupted_is_returned_not_retried() {
    struct Broken(usize);
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            self.0 += 1;
            Err(io::ErrorKind::PermissionDenied.into())
        }
    }
    let mut reader = ByteReader::with_capacity(8, Broken(0));
    let mut byte = [0u8];
    assert_eq!(
        reader.read_exact(&mut byte).unwrap_err().kind(),
        io::ErrorKind::PermissionDenied
    );
    assert_eq!(reader.inner.0, 1, "read once");
}
