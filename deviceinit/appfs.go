package deviceinit

import (
	"bytes"
	"fmt"
	"strings"
)

// blankSize is how much of a device must be one repeated byte for it to
// count as blank: ext2/3/4 and f2fs keep their superblocks in it.
const blankSize = 8 << 10

// mountApp mounts the application partition. On a fresh card it holds
// no filesystem (fwup wrote 0xff over its start) and the mount fails:
// then it is formatted and mounted again. A device whose start is not
// blank holds data (a damaged filesystem, or mount options the
// filesystem rejects) and is never formatted. Without the partition the
// boot goes on, with /root read-only.
func (r *initRun) mountApp(m mountSpec) {
	err := r.mount(m)
	if err == nil {
		r.appMounted = true
		return
	}
	head, rerr := r.sys.ReadHead(m.source, blankSize)
	if rerr != nil || len(head) < blankSize || bytes.Count(head, head[:1]) != len(head) {
		why := "it is not blank, so it is left alone"
		if rerr != nil {
			why = "it cannot be read"
		}
		r.logf("cannot mount %s at %s (%s): %v; %s: continuing without it", m.source, m.target, m.fstype, err, why)
		return
	}
	if !r.format(m.source, m.fstype) {
		r.logf("continuing without %s", m.target)
		return
	}
	if err := r.mount(m); err != nil {
		r.logf("%s does not mount at %s even after formatting: %v; continuing without it", m.source, m.target, err)
		return
	}
	r.appMounted = true
}

// formatter is a program that makes a filesystem; the device is added
// last.
type formatter struct {
	argv []string
	// as is the filesystem type it makes, when not the one asked for.
	as string
}

// formatters are the ways to make fstype, best first: e2fsprogs, then
// busybox's mkfs.ext2 for ext4 (the ext4 driver mounts ext2).
func formatters(fstype string) []formatter {
	switch fstype {
	case "ext2", "ext3", "ext4":
		fs := []formatter{
			{argv: []string{"mke2fs", "-t", fstype, "-F", "-q"}},
			{argv: []string{"mkfs." + fstype, "-F", "-q"}},
		}
		if fstype == "ext4" {
			fs = append(fs, formatter{argv: []string{"mkfs.ext2", "-F", "-q"}, as: "ext2"})
		}
		return fs
	case "f2fs":
		return []formatter{{argv: []string{"mkfs.f2fs", "-f"}}}
	}
	return nil
}

// format makes a filesystem of fstype on dev with the first formatter
// that is installed and succeeds, and logs what it did.
func (r *initRun) format(dev, fstype string) bool {
	var tried, names []string
	for _, f := range formatters(fstype) {
		names = append(names, f.argv[0])
		prog := r.findProgram(f.argv[0])
		if prog == "" {
			continue
		}
		argv := append(append([]string{prog}, f.argv[1:]...), dev)
		_, status, err := r.sys.RunCommand(argv)
		if err == nil && status == 0 {
			if f.as != "" {
				r.logf("formatted %s as %s with %s (no mkfs for %s here; the %s driver mounts %s)", dev, f.as, prog, fstype, fstype, f.as)
			} else {
				r.logf("formatted %s as %s", dev, fstype)
			}
			return true
		}
		tried = append(tried, fmt.Sprintf("%s: %s", strings.Join(argv, " "), failure(status, err)))
	}
	switch {
	case len(names) == 0:
		r.logf("%s holds no %s filesystem, and deviceinit cannot format %s", dev, fstype, fstype)
	case len(tried) == 0:
		r.logf("%s holds no %s filesystem, and none of %s is in %s", dev, fstype, strings.Join(names, ", "), strings.Join(binDirs, ", "))
	default:
		r.logf("cannot format %s: %s", dev, strings.Join(tried, "; "))
	}
	return false
}
