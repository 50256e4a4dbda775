#!/usr/bin/env python3
"""Inflates the deflate tests' streams with zlib, the reference inflater.

    inflate.py MANIFEST

Each line of MANIFEST is "FORMAT COMPRESSED EXPECTED [DICT]", FORMAT being
raw (RFC 1951) or zlib (RFC 1950). Every stream must inflate to exactly
EXPECTED with nothing left over; for zlib streams the header must also pass
zlib's check and the Adler-32 must match. Prints one line per failure and
exits 1 if there was any.
"""
import sys
import zlib


def check(fmt, comp, want, zdict):
    if fmt == "raw":
        d = zlib.decompressobj(-15, zdict=zdict) if zdict else zlib.decompressobj(-15)
    else:
        d = zlib.decompressobj(15)
    got = d.decompress(comp)
    if fmt == "zlib" and zdict:
        raise ValueError("zlib streams with a dictionary are checked raw")
    got += d.flush()
    if not d.eof:
        return "stream has no final block"
    if d.unused_data:
        return "%d bytes after the end of the stream" % len(d.unused_data)
    if got != want:
        return "inflates to %d bytes, want %d" % (len(got), len(want))
    return None


def main():
    bad = 0
    with open(sys.argv[1]) as m:
        for line in m:
            f = line.split()
            read = lambda p: open(p, "rb").read()
            zdict = read(f[3]) if len(f) > 3 else b""
            try:
                err = check(f[0], read(f[1]), read(f[2]), zdict)
            except zlib.error as e:
                err = str(e)
            if err:
                bad += 1
                print("%s: %s" % (f[1], err))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
