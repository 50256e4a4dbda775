package rootfs

import "io/fs"

// Unix mode bits, as tar, cpio, SquashFS, ext4 and stat(2) store them.
const (
	unixTypeMask = 0o170000
	unixSetuid   = 0o4000
	unixSetgid   = 0o2000
	unixSticky   = 0o1000
)

// unixTypes are the file type bits of each kind.
var unixTypes = []struct {
	kind Kind
	bits uint32
}{
	{File, 0o100000}, {Dir, 0o040000}, {Symlink, 0o120000}, {CharDevice, 0o020000},
	{BlockDevice, 0o060000}, {FIFO, 0o010000}, {Socket, 0o140000},
}

// PermFromUnix converts the low 12 bits of a Unix mode into an Entry mode.
func PermFromUnix(m uint32) fs.FileMode {
	mode := fs.FileMode(m) & fs.ModePerm
	if m&unixSetuid != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unixSetgid != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unixSticky != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// KindFromUnix returns the kind a Unix mode's type bits name, or 0.
func KindFromUnix(m uint32) Kind {
	for _, t := range unixTypes {
		if m&unixTypeMask == t.bits {
			return t.kind
		}
	}
	return 0
}

// UnixPerm is an Entry mode as the low 12 bits of a Unix mode.
func UnixPerm(m fs.FileMode) uint32 {
	p := uint32(m & fs.ModePerm)
	if m&fs.ModeSetuid != 0 {
		p |= unixSetuid
	}
	if m&fs.ModeSetgid != 0 {
		p |= unixSetgid
	}
	if m&fs.ModeSticky != 0 {
		p |= unixSticky
	}
	return p
}

// UnixType is the file type bits of a kind (a Hardlink's are a File's),
// or 0 for an unknown kind.
func UnixType(k Kind) uint32 {
	if k == Hardlink {
		k = File
	}
	for _, t := range unixTypes {
		if t.kind == k {
			return t.bits
		}
	}
	return 0
}
