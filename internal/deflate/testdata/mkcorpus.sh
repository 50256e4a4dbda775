#!/usr/bin/env bash
# Builds the benchmark corpus for internal/deflate in DIR (default
# /tmp/deflate-corpus): a few files, each the concatenation of one kind of
# data a Nerves root filesystem holds. The benchmarks cut them into 128 KiB
# blocks (SquashFS) and 1 MiB chunks (fwup), and skip when
# FIRMWRIGHT_DEFLATE_CORPUS does not name such a folder.
#
#   arm64-elf  busybox, libc, ld.so, libm and the BEAM emulator (arm64 debs)
#   x86-elf    ELF executables and libraries of this host
#   beam       the .beam files of erlang-base (arm64 deb; BEAM is portable)
#   text       licenses, Erlang headers and Python sources
#
# Files are taken in sorted order up to a cap per kind, so a host gives the
# same corpus each time. Nothing here is committed.
set -euo pipefail
dir=${1:-/tmp/deflate-corpus}
mkdir -p "$dir/debs" "$dir/x"
cd "$dir"

if ! ls debs/busybox-static_*_arm64.deb >/dev/null 2>&1; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -qq
  fi
  (cd debs && apt-get download busybox-static:arm64 libc6:arm64 erlang-base:arm64)
fi
for d in debs/*.deb; do dpkg-deb -x "$d" x; done

# take CAP: concatenates the files named on stdin, in order, until CAP bytes.
take() {
  local cap=$1 out=$2 n=0 f s
  : >"$out"
  while IFS= read -r f; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    s=$(stat -c %s "$f")
    [ $((n + s)) -le "$cap" ] || continue
    cat "$f" >>"$out"
    n=$((n + s))
  done
}
is_elf() { while IFS= read -r f; do [ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && echo "$f"; done; }

ls x/bin/busybox x/lib/aarch64-linux-gnu/libc.so.6 x/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 \
  x/lib/aarch64-linux-gnu/libm.so.6 x/usr/lib/erlang/erts-*/bin/beam.smp | take 10000000 arm64-elf
find /usr/bin /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -size +8k -size -3M | LC_ALL=C sort | is_elf | take 8000000 x86-elf
find x -name '*.beam' | LC_ALL=C sort | take 8000000 beam
{ find /usr/share/common-licenses -type f; find x -name '*.hrl'; find /usr/lib/python3* -maxdepth 2 -name '*.py'; } |
  LC_ALL=C sort | take 4000000 text
ls -l arm64-elf x86-elf beam text
