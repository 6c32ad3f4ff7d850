"""Writes a PNG of random pixels (which does not compress) of about
sys.argv[2] bytes to sys.argv[1]: a stand-in for a 1 MB screenshot."""
import os, struct, sys, zlib

path, size = sys.argv[1], int(sys.argv[2])
width = 640
height = max(1, size // (width * 3))
raw = b"".join(b"\0" + os.urandom(width * 3) for _ in range(height))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")
with open(path, "wb") as f:
    f.write(png)
print(f"{path}: {width}x{height}, {len(png)} bytes")
