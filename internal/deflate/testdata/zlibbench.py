#!/usr/bin/env python3
"""Times zlib on the deflate benchmark's corpus, for the Go benchmarks.

    zlibbench.py BLOCK DICT LEVEL MEMLEVELS FILE...

Each FILE is cut into BLOCK-byte pieces. With DICT 0 each piece is
compressed alone as a raw DEFLATE stream (as SquashFS compresses blocks);
otherwise each piece is compressed with the DICT bytes before it as a
preset dictionary and ends with a sync flush (as fwup's chunks are).

MEMLEVELS is one memLevel or several, comma-separated (mksquashfs's
compress2 uses 8, the default; 9 is zlib's largest). Then, for each line
"run" on stdin, it compresses every piece once with each memLevel and
prints "SIZE SECONDS" for each on one line: the total compressed size and
the time spent in the compress calls alone, by time.perf_counter. The Go
side alternates these runs with its own, so both see the same load.
"""
import sys
import time
import zlib


def pieces(block, dictsize, files):
    out = []
    for name in files:
        with open(name, "rb") as f:
            data = f.read()
        for i in range(0, len(data), block):
            d = data[max(0, i - dictsize):i] if dictsize else b""
            out.append((d, data[i:i + block]))
    return out


def run(ps, level, memlevel):
    size = 0
    spent = 0.0
    for d, p in ps:
        t = time.perf_counter()
        if d:
            c = zlib.compressobj(level, zlib.DEFLATED, -15, memlevel, zdict=d)
            out = c.compress(p) + c.flush(zlib.Z_SYNC_FLUSH)
        else:
            c = zlib.compressobj(level, zlib.DEFLATED, -15, memlevel)
            out = c.compress(p) + c.flush()
        spent += time.perf_counter() - t
        size += len(out)
    return size, spent


def main():
    block, dictsize, level = (int(a) for a in sys.argv[1:4])
    memlevels = [int(m) for m in sys.argv[4].split(",")]
    ps = pieces(block, dictsize, sys.argv[5:])
    for line in sys.stdin:
        if line.strip() != "run":
            break
        out = []
        for m in memlevels:
            size, spent = run(ps, level, m)
            out.append("%d %.6f" % (size, spent))
        print(" ".join(out), flush=True)


if __name__ == "__main__":
    main()
