#!/usr/bin/env python3
"""Regenerates sequence.json with a real fwup:  FWUP=/path/to/fwup python3 gen.py

Runs a sequence of uboot_* actions on one image file with fwup 1.16.0,
poking at the environment copies between some steps (corrupting a copy,
setting generation counters), and records for each step the copies before
and after and fwup's error message, if any. The Go tests replay each step
from its "before" state and compare with "after".
"""
import base64, json, os, subprocess, tempfile

FWUP = os.environ.get("FWUP", "fwup")
ENVS = {  # name: (block-offset, block-count, block-offset-redund or None)
    "redund": (1, 1, 3),
    "single": (8, 1, None),
}
STEPS = [
    ("redund", "uboot_clearenv", []),
    ("redund", "uboot_setenv", ["a", "1"]),
    ("redund", "uboot_setenv", ["b", "2"]),
    ("poke", "corrupt", [1]),
    ("redund", "uboot_setenv", ["c", "3"]),
    ("poke", "flag", [1, 0xFF]),
    ("poke", "flag", [3, 0x00]),
    ("redund", "uboot_setenv", ["d", "4"]),
    ("redund", "uboot_unsetenv", ["a"]),
    ("redund", "uboot_unsetenv", ["zz"]),
    ("redund", "uboot_setenv", ["empty", ""]),
    ("poke", "flag", [1, 0x80]),
    ("poke", "flag", [3, 0x00]),
    ("redund", "uboot_setenv", ["e", "5"]),
    ("poke", "corrupt", [3]),
    ("redund", "uboot_recover", []),
    ("poke", "corrupt", [1]),
    ("redund", "uboot_setenv", ["f", "6"]),
    ("redund", "uboot_recover", []),
    ("redund", "uboot_setenv", ["g", "7"]),
    ("single", "uboot_setenv", ["x", "1"]),
    ("single", "uboot_clearenv", []),
    ("single", "uboot_setenv", ["x", "1"]),
    ("single", "uboot_setenv", ["y", "a value with spaces"]),
    ("single", "uboot_unsetenv", ["x"]),
    ("single", "uboot_recover", []),
    ("poke", "corrupt", [8]),
    ("single", "uboot_unsetenv", ["y"]),
    ("single", "uboot_recover", []),
]
def conf_text():
    out = []
    for name, (off, count, redund) in ENVS.items():
        extra = "" if redund is None else " block-offset-redund = %d" % redund
        out.append("uboot-environment %s { block-offset = %d block-count = %d%s }" % (name, off, count, extra))
    for i, (env, action, args) in enumerate(STEPS):
        if env == "poke":
            continue
        quoted = "".join(', "%s"' % a for a in args)
        out.append("task step%d { on-init { %s(%s%s) } }" % (i, action, env, quoted))
    return "\n".join(out) + "\n"


def blocks(img, env):
    """The copies of env in img, base64, by block offset."""
    off, count, redund = ENVS[env]
    with open(img, "rb") as f:
        data = f.read()
    return {str(lba): base64.b64encode(data[lba * 512:(lba + count) * 512]).decode()
            for lba in ([off] if redund is None else [off, redund])}


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    tmp = tempfile.mkdtemp()
    conf, fw, img = (os.path.join(tmp, n) for n in ("t.conf", "t.fw", "t.img"))
    with open(conf, "w") as f:
        f.write(conf_text())
    subprocess.run([FWUP, "-c", "-f", conf, "-o", fw], check=True)
    with open(img, "wb") as f:
        f.truncate(16 * 512)
    out = []
    for i, (env, action, args) in enumerate(STEPS):
        if env == "poke":
            lba = args[0]
            with open(img, "r+b") as f:
                if action == "corrupt":
                    f.seek(lba * 512 + 20)
                    b = f.read(1)
                    f.seek(lba * 512 + 20)
                    f.write(bytes([b[0] ^ 0x55]))
                else:
                    f.seek(lba * 512 + 4)
                    f.write(bytes([args[1]]))
            continue
        before = blocks(img, env)
        r = subprocess.run([FWUP, "-a", "-q", "-d", img, "-i", fw, "-t", "step%d" % i],
                           capture_output=True, text=True)
        err = ""
        if r.returncode != 0:
            err = (r.stdout + r.stderr).strip()
            err = err.removeprefix("fwup: ")
        off, count, redund = ENVS[env]
        out.append({"env": env, "blockOffset": off, "blockCount": count, "redund": redund,
                    "action": action, "args": args, "error": err,
                    "before": before, "after": blocks(img, env)})
    with open("sequence.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


main()
