#!/bin/sh
# Regenerates a package's testdata/*.golden files from its cases.conf with
# a real fwup, one per task and device size:
#   FWUP=/path/to/fwup sh fwup/testdata/gen-goldens.sh fwup/mbr ext ext-order ext-gap bootstrap osip
#   FWUP=/path/to/fwup sh fwup/testdata/gen-goldens.sh fwup/gpt mixed single
# Each case is applied to a new image file (size unknown: blocks=0) and to a
# sparse file of 300000 blocks (blocks=300000); the golden file lists every
# non-zero 512-byte block of the result as "LBA HEX".
set -e
dir=$1; shift
cd "$dir/testdata"
FWUP=${FWUP:-fwup}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$FWUP" -c -f cases.conf -o "$tmp/cases.fw"
for task in "$@"; do
    for blocks in 0 300000; do
        rm -f "$tmp/img"
        if [ "$blocks" -ne 0 ]; then truncate -s $((blocks * 512)) "$tmp/img"; fi
        "$FWUP" -a -q -d "$tmp/img" -i "$tmp/cases.fw" -t "$task"
        python3 - "$tmp/img" "$blocks" > "$task-$blocks.golden" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
print("# blocks=%s" % sys.argv[2])
for lba in range(len(data) // 512):
    b = data[lba * 512:(lba + 1) * 512]
    if any(b):
        print(lba, b.hex())
PY
    done
done
