#!/usr/bin/env python3
"""The window with thousands of rows, measured from the real program under Xvfb.

Starts `picbucket FOLDER` (the built-in store, a fresh data directory) on a
private Xvfb display with PICBUCKET_FRAME_TIMES set, waits until every file of
the folder is stored, then prints: time to the first frame, frame times while
the rows upload (median, p99, max; of all frames, and of those with rows on
screen, leaving out the first, empty window), peak RSS, and CPU used while
idle afterwards. Public tools only (Xvfb; Python's standard library).

    cargo build --release && python3 bench/window.py --count 2000

Frame times are what eframe reports per frame (`frame.info().cpu_usage`: the
app's update plus painting, wall time), so on a machine whose cores are busy
with the uploads themselves they include time the UI thread waited for a core.
"""
import argparse, os, random, shutil, signal, struct, subprocess, sys, tempfile, time, zlib
from pathlib import Path


def png(width, height, seed):
    rnd = random.Random(seed)
    rows = b"".join(b"\x00" + bytes(rnd.getrandbits(8) for _ in range(width * 3)) for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def make_corpus(folder: Path, count: int):
    folder.mkdir(parents=True, exist_ok=True)
    base = png(150, 110, 1)
    for n in range(count):
        # Same pixels, distinct bytes: a tEXt chunk would be stripped, so vary IDAT's seed cheaply.
        data = base if n % 50 else png(150, 110, n)
        (folder / f"img-{n:05}.png").write_bytes(data)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def proc_ticks(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def painter_ticks(pid):
    """CPU ticks of the renderer's own threads (Mesa's llvmpipe rasterizes on them)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if task.joinpath("comm").read_text().startswith("llvmpipe"):
                fields = task.joinpath("stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stored_objects(data_dir: Path):
    """PNG files in the built-in store. Read from the directory entries alone
    (no stat per file): this runs every 50 ms beside the window it measures,
    and pathlib's rglob took ~45 ms of CPU per count of 2,000 files."""
    def count(folder):
        n = 0
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    n += count(entry.path)
                elif entry.name.endswith(".png") and entry.is_file(follow_symlinks=False):
                    n += 1
        return n
    store = data_dir / "local-store"
    return count(store) if store.exists() else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/picbucket")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--display", default=":97")
    args = ap.parse_args()
    binary = Path(args.binary).resolve()
    # The built-in store keeps its objects in the data directory, under
    # `work`. On ext4, creating thousands of files soon after thousands were
    # deleted (the previous run's, removed at its end) sends every file
    # creation through a scan of recently deleted inodes, in the kernel
    # where the uploads' threads cannot be preempted: back-to-back runs on
    # /tmp took 4.4-6.8 s and 8-12.5 CPU-s instead of 2.7-4.6 s and 4.8-8.3
    # CPU-s, and the UI thread waited up to 24 ms for a core. tmpfs, as for
    # bench.py's server.
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    work = Path(tempfile.mkdtemp(prefix="picbucket-window-", dir=shm))
    corpus = work / "corpus"
    make_corpus(corpus, args.count)
    xvfb = subprocess.Popen(["Xvfb", args.display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    frames = work / "frames.txt"
    env = dict(os.environ, DISPLAY=args.display, PICBUCKET_DATA_DIR=str(work / "data"),
               PICBUCKET_FRAME_TIMES=str(frames), RUST_LOG="warn")
    env.pop("WAYLAND_DISPLAY", None)
    config = work / "config.toml"
    config.write_text("# defaults: the built-in store\n")
    started = time.monotonic()
    window = subprocess.Popen([str(binary), "--config", str(config), str(corpus)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # This script polls the store every 50 ms beside the window it measures:
    # at the window's priority each count could hold a core the UI thread
    # was waiting for. Xvfb and the window were started above, at their own.
    os.nice(19)
    try:
        first_frame = None
        deadline = started + 300
        while time.monotonic() < deadline:
            if first_frame is None and frames.exists() and frames.stat().st_size > 0:
                first_frame = time.monotonic() - started
            if stored_objects(work / "data") >= args.count:
                break
            if window.poll() is not None:
                sys.exit(f"the window exited with {window.returncode}")
            time.sleep(0.05)
        uploaded_after = time.monotonic() - started
        busy_ticks, busy_painter = proc_ticks(window.pid), painter_ticks(window.pid)
        during_lines = [line.split() for line in frames.read_text().splitlines() if line.strip()]
        during = [float(line[0]) for line in during_lines]
        during_app = [float(line[1]) for line in during_lines if len(line) > 1]
        # The first frames draw an empty window (and rasterize its glyphs
        # ahead, see src/ui/glyphs.rs); the rows arrive a frame or two later.
        with_rows = [float(line[0]) for line in during_lines if len(line) > 2 and int(line[2]) > 0]
        time.sleep(3.0)  # let the last events and thumbnails settle
        before = proc_ticks(window.pid)
        frames_before = len(frames.read_text().splitlines())
        time.sleep(10.0)
        idle_ticks = proc_ticks(window.pid) - before
        idle_frames = len(frames.read_text().splitlines()) - frames_before
        rss = peak_rss_mb(window.pid)
    finally:
        window.send_signal(signal.SIGTERM)
        try:
            window.wait(timeout=10)
        except subprocess.TimeoutExpired:
            window.kill()
        xvfb.terminate()
    print(f"files: {args.count}, all stored after {uploaded_after:.2f} s")
    print(f"first frame: {first_frame:.2f} s after start" if first_frame else "first frame: not seen")
    print(f"frames while uploading: {len(during)}; median {percentile(during, 50):.2f} ms, "
          f"p99 {percentile(during, 99):.2f} ms, max {max(during):.2f} ms")
    if with_rows:
        print(f"  frames with rows on screen: {len(with_rows)}; median {percentile(with_rows, 50):.2f} ms, "
              f"p99 {percentile(with_rows, 99):.2f} ms, max {max(with_rows):.2f} ms")
    if during_app:
        print(f"  of which the app's logic() and ui(): median {percentile(during_app, 50):.2f} ms, "
              f"p99 {percentile(during_app, 99):.2f} ms, max {max(during_app):.2f} ms "
              f"(the rest: egui's tessellation and painting)")
    hz = os.sysconf("SC_CLK_TCK")
    print(f"CPU until all stored: {busy_ticks / hz:.2f} s, of which rasterizing frames "
          f"(llvmpipe threads): {busy_painter / hz:.2f} s")
    print(f"peak RSS: {rss:.0f} MB")
    print(f"idle afterwards: {idle_ticks} CPU ticks and {idle_frames} frames in 10 s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
