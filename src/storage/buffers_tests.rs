use super::{BufferPool, GRANULE_BYTES, MIN_POOLED_BYTES, POOL_MAX_BYTES};

const MIB: usize = 1024 * 1024;

#[test]
fn a_buffer_given_back_is_the_one_the_next_file_of_its_size_gets() {
    let pool = BufferPool::new(8 * MIB);
    let mut first = pool.take(MIB + 1);
    assert_eq!(first.capacity(), MIB + GRANULE_BYTES, "rounded up to the granule");
    first.extend_from_slice(b"old bytes");
    let address = first.as_ptr();
    pool.give_back(first);
    let again = pool.take(MIB + 1000);
    assert_eq!(again.as_ptr(), address);
    assert!(again.is_empty(), "handed out empty");
    assert_eq!(pool.held_bytes(), 0);
}

#[test]
fn the_smallest_buffer_that_fits_is_taken() {
    let pool = BufferPool::new(16 * MIB);
    let (small, large) = (pool.take(MIB), pool.take(4 * MIB));
    let (small_at, large_at) = (small.as_ptr(), large.as_ptr());
    pool.give_back(large);
    pool.give_back(small);
    let (first, second) = (pool.take(MIB / 2), pool.take(MIB / 2));
    assert_eq!(first.as_ptr(), small_at);
    assert_eq!(second.as_ptr(), large_at);
    // Nothing left that fits: a new one.
    assert!(pool.take(MIB / 2).capacity() >= MIB / 2);
}

#[test]
fn a_buffer_too_small_for_the_file_is_not_handed_out() {
    let pool = BufferPool::new(16 * MIB);
    pool.give_back(pool.take(MIB));
    let bigger = pool.take(2 * MIB);
    assert!(bigger.capacity() >= 2 * MIB);
    assert_eq!(pool.held_bytes(), MIB, "the small one stays for a small file");
}

#[test]
fn the_pool_keeps_no_more_than_its_limit_and_drops_the_smallest_first() {
    let pool = BufferPool::new(4 * MIB);
    let buffers: Vec<Vec<u8>> = [MIB, MIB, 2 * MIB, 3 * MIB].iter().map(|&len| pool.take(len)).collect();
    for buffer in buffers {
        pool.give_back(buffer);
    }
    assert!(pool.held_bytes() <= 4 * MIB, "{}", pool.held_bytes());
    assert_eq!(
        pool.held_bytes(),
        3 * MIB,
        "the 3 MiB buffer is kept, the small ones went"
    );
    // A buffer larger than the whole pool is never kept.
    pool.give_back(Vec::with_capacity(5 * MIB));
    assert_eq!(pool.held_bytes(), 3 * MIB);
}

#[test]
fn small_buffers_are_left_to_the_allocator() {
    let pool = BufferPool::new(4 * MIB);
    let small = pool.take(MIN_POOLED_BYTES - 1);
    assert_eq!(small.capacity(), MIN_POOLED_BYTES - 1);
    pool.give_back(small);
    assert_eq!(pool.held_bytes(), 0);
}

#[test]
fn a_body_returns_its_buffer_when_the_last_clone_is_dropped() {
    let pool: &'static BufferPool = Box::leak(Box::new(BufferPool::new(8 * MIB)));
    let mut buffer = pool.take(MIB);
    buffer.extend_from_slice(b"body");
    let address = buffer.as_ptr();
    let body = pool.body_of(buffer);
    let clone = body.slice(1..);
    assert_eq!(&clone[..], b"ody");
    drop(body);
    assert_eq!(pool.held_bytes(), 0, "still in use by the clone");
    drop(clone);
    assert_eq!(pool.held_bytes(), MIB);
    let reused = pool.take(MIB);
    assert_eq!(reused.as_ptr(), address);
}

#[test]
fn buffers_at_the_limits_are_kept() {
    let pool = BufferPool::new(4 * MIB);
    // The smallest pooled size and a buffer as large as the whole pool.
    pool.give_back(Vec::with_capacity(MIN_POOLED_BYTES));
    assert_eq!(pool.held_bytes(), MIN_POOLED_BYTES);
    let pool = BufferPool::new(4 * MIB);
    pool.give_back(Vec::with_capacity(4 * MIB));
    assert_eq!(pool.held_bytes(), 4 * MIB);
}

#[test]
fn a_pool_filled_exactly_to_its_limit_keeps_everything() {
    let pool = BufferPool::new(4 * MIB);
    pool.give_back(Vec::with_capacity(2 * MIB));
    pool.give_back(Vec::with_capacity(2 * MIB));
    assert_eq!(pool.held_bytes(), 4 * MIB);
}

#[test]
fn a_small_file_s_buffer_is_left_to_the_allocator() {
    // A typical screenshot or icon (tens of KB): malloc reuses those well.
    let pool = BufferPool::new(POOL_MAX_BYTES);
    pool.give_back(Vec::with_capacity(100 * 1024));
    assert_eq!(pool.held_bytes(), 0);
}

#[test]
fn the_pool_keeps_the_buffers_of_a_batch_of_full_size_photos() {
    // Eight uploads in flight of the largest file allowed (5 MB) plus a
    // stripped copy each would need more; four such buffers must fit.
    let pool = BufferPool::new(POOL_MAX_BYTES);
    for _ in 0..4 {
        pool.give_back(Vec::with_capacity(5 * 1000 * 1000));
    }
    assert_eq!(pool.held_bytes(), 4 * 5 * 1000 * 1000);
}

#[test]
fn take_gives_a_buffer_with_room_for_the_file() {
    let buffer = super::take(3 * MIB + 7);
    assert!(buffer.capacity() >= 3 * MIB + 7, "{}", buffer.capacity());
    assert!(buffer.is_empty());
}

#[test]
fn a_buffer_given_back_to_the_process_pool_is_kept() {
    // A size no other test or upload uses, larger than any file (5 MB), so
    // a concurrent take of a smaller buffer prefers any other free one.
    let buffer = super::take(POOL_MAX_BYTES - GRANULE_BYTES);
    let address = buffer.as_ptr();
    super::give_back(buffer);
    let again = super::take(POOL_MAX_BYTES - GRANULE_BYTES);
    assert_eq!(again.as_ptr(), address);
}
