#!/bin/sh
# Rewrites the verdict column of a package's testdata/errors.txt with what a
# real fwup says when creating an archive from each section body:
#   FWUP=/path/to/fwup sh fwup/testdata/gen-verdicts.sh fwup/mbr mbr mbr_write
#   FWUP=... sh fwup/testdata/gen-verdicts.sh fwup/gpt gpt gpt_write
#   FWUP=... sh fwup/testdata/gen-verdicts.sh fwup/ubootenv uboot-environment uboot_clearenv
# errors.txt lines are "BODY => VERDICT" ("OK" when fwup accepts the body);
# lines starting with # are kept as they are. Each body is written as
# `KIND x { BODY }` plus a task that calls ACTION(x).
set -e
dir=$1 KIND=$2 ACTION=$3
FWUP=${FWUP:-fwup}
cd "$dir/testdata"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
while IFS= read -r line; do
    case "$line" in
    '#'* | '') printf '%s\n' "$line"; continue ;;
    esac
    body=${line%% => *}
    printf '%s x {\n%s\n}\ntask t { on-init { %s(x) } }\n' "$KIND" "$body" "$ACTION" > "$tmp/t.conf"
    if msg=$(cd "$tmp" && "$FWUP" -c -f t.conf -o t.fw 2>&1 >/dev/null); then
        msg=OK
    else
        msg=$(printf '%s\n' "$msg" | sed -n 's/^t\.conf:[0-9]*: //p')
    fi
    printf '%s => %s\n' "$body" "$msg"
done < errors.txt > "$tmp/out"
cp "$tmp/out" errors.txt
