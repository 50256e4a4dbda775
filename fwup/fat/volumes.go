package fat

import (
	"bytes"
	"strings"
)

// Device is the byte space the filesystems live in (the apply engine's
// block cache); offsets are absolute bytes from the start of the target.
// Reads of never-written space should return zeros, as fwup's cache does.
type Device interface {
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
}

// Streamer is a Device that also takes streamed writes, as fwup's block
// cache does: a segment filled only by them is written out at once and
// not kept (apply.Cache.Stream).
type Streamer interface {
	Stream(p []byte, off int64) error
}

// streamedAfter is the volume sector after which fwup's disk_write calls
// every write a streamed one: the two FATs at the start of a volume
// change often and stay cached, file data further on goes straight
// through.
const streamedAfter = 2048

// maxVolumes is FatFs's FF_VOLUMES in fwup's build: how many filesystems
// stay mounted at once.
const maxVolumes = 4

// maxPathArg is how much of "N:/name" fits fwup's path buffer
// (FF_LFN_BUF + 1 bytes with the NUL), less the 2-byte drive prefix.
const maxPathArg = 255 - 2

// Volumes is the state fwup's fatfs.c keeps for one apply run: up to four
// mounted volumes keyed by block offset, each with FatFs's in-memory state
// (window, last allocated cluster, free count — which steer where later
// actions allocate), and the one file kept open between consecutive
// Truncate and PWrite calls on the same name. Timestamps are always
// 1980-01-01 00:00:00, as fwup fixes FAT time for every apply.
//
// The methods are fwup's fatfs_* functions: same results, same on-disk
// bytes (except file slack, which is zeroed here) and, on failure, an
// *Error whose text is fwup's last-error message. A Volumes is not safe
// for concurrent use.
type Volumes struct {
	dev       Device
	slots     [maxVolumes]volume
	nextSlot  int
	mountID   uint16
	lastIOErr error

	// The file fat_write keeps open, and the name it was opened by. Like
	// fwup, it is found again by name alone, whatever the block offset.
	current     file
	currentName string
	haveCurrent bool
}

// NewVolumes returns the FAT state of a new apply run on dev.
func NewVolumes(dev Device) *Volumes {
	v := &Volumes{dev: dev}
	for i := range v.slots {
		v.slots[i].host = v
	}
	return v
}

// mount returns the volume at blockOffset, taking a free slot for a new
// one or, when all four are in use, the slot assigned longest ago (that
// volume is forgotten: its allocation hints are lost and it is mounted
// again from disk next time). A non-zero blockCount records the size
// fat_mkfs formats.
func (v *Volumes) mount(blockOffset, blockCount int64) *volume {
	base := blockOffset * sectorSize
	for i := range v.slots {
		if s := &v.slots[i]; s.attached && s.base == base {
			if blockCount != 0 {
				s.nSectors = uint32(blockCount)
			}
			return s
		}
	}
	for range v.slots {
		if !v.slots[v.nextSlot].attached {
			break
		}
		v.nextSlot = (v.nextSlot + 1) % maxVolumes
	}
	s := &v.slots[v.nextSlot]
	s.fsType = 0
	s.attached = true
	s.base = base
	s.nSectors = uint32(blockCount)
	v.nextSlot = (v.nextSlot + 1) % maxVolumes
	return s
}

// cString is s as C code sees it: up to its first NUL.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// pathArg is the path fwup passes FatFs for a name, after the drive
// prefix: "/name" for files (sep "/"), the bare text for labels, cut to
// fwup's buffer.
func pathArg(sep, name string) []byte {
	p := sep + cString(name)
	if len(p) > maxPathArg {
		p = p[:maxPathArg]
	}
	return []byte(p)
}

// closeOpenFile is fwup's close_open_files.
func (v *Volumes) closeOpenFile() result {
	if !v.haveCurrent {
		return frOK
	}
	r := v.current.close()
	v.haveCurrent, v.currentName = false, ""
	return r
}

// Mkfs formats blockCount blocks at blockOffset as FatFs's f_mkfs does
// with fwup's parameters (see volume.mkfs). It does only that and the
// mount bookkeeping: the caller trims the range and writes the 0xFF final
// block first, as fwup's fatfs_mkfs does.
func (v *Volumes) Mkfs(blockOffset, blockCount int64) error {
	fs := v.mount(blockOffset, blockCount)
	if r := fs.mkfs(); r != frOK {
		return v.opError("fat_mkfs", "", r)
	}
	return nil
}

// Mkdir creates directory dir; an existing directory is fine.
func (v *Volumes) Mkdir(blockOffset int64, dir string) error {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	p := pathArg("/", dir)
	if attr, r := fs.stat(p); r == frOK && attr&attrDir != 0 {
		return nil
	}
	if r := fs.mkdir(p); r != frOK {
		return v.opError("fat_mkdir", cString(dir), r)
	}
	return nil
}

// SetLabel sets the volume label entry in the root directory (an empty
// label removes it). The boot sector keeps "NO NAME", as with fwup.
func (v *Volumes) SetLabel(blockOffset int64, label string) error {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	if r := fs.setLabel(pathArg("", label)); r != frOK {
		return v.opError("fat_setlabel", cString(label), r)
	}
	return nil
}

// Remove deletes a file or an empty directory. A missing one is an error
// only when mustExist; cmd ("fat_rm" or "fat_rm!") names the action in
// messages.
func (v *Volumes) Remove(blockOffset int64, cmd, name string, mustExist bool) error {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	switch r := fs.unlink(pathArg("/", name)); {
	case r == frOK:
		return nil
	case (r == frNoFile || r == frNoPath) && !mustExist:
		return nil
	default:
		return v.opError(cmd, cString(name), r)
	}
}

// Move renames from to to; with force an existing to is removed first.
// cmd ("fat_mv" or "fat_mv!") names the action in messages.
func (v *Volumes) Move(blockOffset int64, cmd, from, to string, force bool) error {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	if force {
		if err := v.Remove(blockOffset, cmd, to, false); err != nil {
			return err
		}
	}
	if r := fs.rename(pathArg("/", from), pathArg("/", to)); r != frOK {
		return v.opError(cmd, cString(from), r)
	}
	return nil
}

// copyChunk is fatfs_cp's buffer size.
const copyChunk = 4096

// Copy copies file from on the volume at fromOffset to file to on the
// volume at toOffset (possibly the same), replacing to.
func (v *Volumes) Copy(fromOffset int64, from string, toOffset int64, to string) error {
	v.closeOpenFile()
	src := v.mount(fromOffset, 0)
	dst := v.mount(toOffset, 0)
	var in, out file
	if r := src.open(&in, pathArg("/", from), faRead); r != frOK {
		return v.opError("fatfs_cp can't open file", cString(from), r)
	}
	if r := dst.open(&out, pathArg("/", to), faCreateAlways|faWrite); r != frOK {
		return v.opError("fatfs_cp can't open file", cString(to), r)
	}
	if r := out.sync(); r != frOK {
		return v.opError("sync", cString(to), r)
	}
	var buf [copyChunk]byte
	for {
		n, r := in.read(buf[:])
		if r != frOK {
			return v.opError("fatfs_cp can't read", cString(from), r)
		}
		if n == 0 {
			break
		}
		w, r := out.write(buf[:n])
		if r != frOK {
			return v.opError("fatfs_cp can't write", cString(to), r)
		}
		if w != n {
			return messageError("Error copying file to FAT")
		}
		if r := out.sync(); r != frOK {
			return v.opError("sync", cString(to), r)
		}
	}
	in.close()
	out.close()
	return nil
}

// Attrib sets a file's or directory's read-only, hidden and system bits
// to exactly those attrib names ("R", "H", "S", either case; other
// characters are ignored). Unlike the other actions it leaves fat_write's
// open file open, as fwup does.
func (v *Volumes) Attrib(blockOffset int64, name, attrib string) error {
	fs := v.mount(blockOffset, 0)
	var mode uint8
	for _, c := range []byte(cString(attrib)) {
		switch c {
		case 'S', 's':
			mode |= attrSystem
		case 'H', 'h':
			mode |= attrHidden
		case 'R', 'r':
			mode |= attrReadOnly
		}
	}
	if r := fs.chmod(pathArg("/", name), mode, attrReadOnly|attrHidden|attrSystem); r != frOK {
		return v.opError("fat_attrib", cString(name), r)
	}
	return nil
}

// Touch creates an empty file if name does not exist; an existing file is
// left as it is (FAT times are fixed anyway).
func (v *Volumes) Touch(blockOffset int64, name string) error {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	var f file
	if r := fs.open(&f, pathArg("/", name), faOpenAlways); r != frOK {
		return v.opError("fat_touch", cString(name), r)
	}
	f.close()
	return nil
}

// Exists reports whether name is an existing file (not a directory), for
// require-fat-file-exists.
func (v *Volumes) Exists(blockOffset int64, name string) bool {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	var f file
	if fs.open(&f, pathArg("/", name), faOpenExisting) != frOK {
		return false
	}
	f.close()
	return true
}

// FileMatches reports whether file name contains pattern, for
// require-fat-file-match. It searches as fwup does, in 4096-byte reads
// with a carry-over between them, which can miss a match that straddles
// two reads; an empty pattern matches any existing file and a pattern of
// 4096 bytes or more never matches.
func (v *Volumes) FileMatches(blockOffset int64, name, pattern string) bool {
	v.closeOpenFile()
	fs := v.mount(blockOffset, 0)
	var f file
	if fs.open(&f, pathArg("/", name), faRead) != frOK {
		return false
	}
	defer f.close()
	pat := []byte(cString(pattern))
	var buf [copyChunk]byte
	if len(pat) >= len(buf) {
		return false
	}
	if len(pat) == 0 {
		return true
	}
	carry := 0
	for {
		n, r := f.read(buf[carry:])
		if r != frOK || n == 0 {
			return false
		}
		// fwup searches only the first n bytes, carried-over ones
		// included, and carries the n-th byte's predecessors: kept as is.
		if bytes.Contains(buf[:n], pat) {
			return true
		}
		if n >= len(pat) {
			carry = len(pat) - 1
			copy(buf[:carry], buf[n-carry:n])
		} else {
			carry = n
		}
	}
}

// Truncate empties file name, creating it if needed, and keeps it open
// for the PWrite calls that follow (fat_write calls it first).
func (v *Volumes) Truncate(blockOffset int64, name string) error {
	name = cString(name)
	if v.haveCurrent && v.currentName != name {
		v.closeOpenFile()
	}
	fs := v.mount(blockOffset, 0)
	if !v.haveCurrent {
		if r := fs.open(&v.current, pathArg("/", name), faCreateAlways|faWrite); r != frOK {
			return v.opError("Can't open file on FAT partition", name, r)
		}
		if r := v.current.sync(); r != frOK {
			return v.opError("sync", name, r)
		}
		v.haveCurrent, v.currentName = true, name
		return nil
	}
	if r := v.current.seek(0); r != frOK {
		return v.opError("Can't seek to the beginning", name, r)
	}
	if r := v.current.truncate(); r != frOK {
		return v.opError("Can't truncate file on FAT partition", name, r)
	}
	if r := v.current.sync(); r != frOK {
		return v.opError("sync", name, r)
	}
	return nil
}

// PWrite writes data at offset at of file name, creating the file if
// needed; a gap between the end of the file and at is filled with zeros,
// as fwup does for sparse resources. The file stays open for the next
// call. When the disk fills up, the error says how much was written.
func (v *Volumes) PWrite(blockOffset int64, name string, at int64, data []byte) error {
	name = cString(name)
	if v.haveCurrent && v.currentName != name {
		v.closeOpenFile()
	}
	fs := v.mount(blockOffset, 0)
	fp := &v.current
	if !v.haveCurrent {
		if r := fs.open(fp, pathArg("/", name), faOpenAlways|faWrite); r != frOK {
			return v.opError("fat_write can't open file", name, r)
		}
		if r := fp.sync(); r != frOK {
			return v.opError("sync", name, r)
		}
		v.haveCurrent, v.currentName = true, name
	}
	diskFull := func(written int) error {
		e := messageError("Error writing file to FAT: %s, expected %d bytes written, got %d (maybe the disk is full?)", name, len(data), written)
		e.noSpace = true
		return e
	}
	want := uint32(at) // fwup passes the offset as an int
	if want != fp.fptr {
		if want > fp.size {
			if r := fp.seek(fp.size); r != frOK {
				return v.opError("fat_write can't seek to end of file", name, r)
			}
			var zeros [sectorSize]byte
			for left := want - fp.fptr; left > 0; {
				n := min(left, sectorSize)
				w, r := fp.write(zeros[:n])
				if r != frOK {
					return v.opError("fat_write can't write", name, r)
				}
				if uint32(w) != n {
					return diskFull(w)
				}
				if r := fp.sync(); r != frOK {
					return v.opError("sync", name, r)
				}
				left -= n
			}
		} else if r := fp.seek(want); r != frOK {
			return v.opError("fat_write can't seek in file", name, r)
		}
	}
	w, r := fp.write(data)
	if r != frOK {
		return v.opError("fat_write can't write", name, r)
	}
	if w != len(data) {
		return diskFull(w)
	}
	if r := fp.sync(); r != frOK {
		return v.opError("sync", name, r)
	}
	return nil
}

// PRead reads from file name at offset at into p and returns the count
// read, which is short at the end of the file. It does not disturb
// fat_write's open file.
func (v *Volumes) PRead(blockOffset int64, name string, at int64, p []byte) (int, error) {
	fs := v.mount(blockOffset, 0)
	var f file
	if r := fs.open(&f, pathArg("/", name), faRead); r != frOK {
		return 0, v.opError("fat_pread can't open file", cString(name), r)
	}
	if r := f.seek(uint32(at)); r != frOK {
		return 0, v.opError("fat_pread can't seek to end of file", cString(name), r)
	}
	n, r := f.read(p)
	if r != frOK {
		return 0, v.opError("fat_read can't read", cString(name), r)
	}
	f.close()
	return n, nil
}

// FileSize returns the length of file name, failing as PRead does when it
// cannot be opened.
func (v *Volumes) FileSize(blockOffset int64, name string) (int64, error) {
	fs := v.mount(blockOffset, 0)
	var f file
	if r := fs.open(&f, pathArg("/", name), faRead); r != frOK {
		return 0, v.opError("fat_pread can't open file", cString(name), r)
	}
	defer f.close()
	return int64(f.size), nil
}

// Close ends the run's FAT work as fwup's fatfs_closefs does: the open
// file is flushed and closed and every volume forgotten, so that later
// calls (fwup's on-finish runs after this) mount afresh from disk. fwup
// ignores failures here; Close returns an error only when the Device
// failed while flushing.
func (v *Volumes) Close() error {
	r := v.closeOpenFile()
	for i := range v.slots {
		v.slots[i].attached = false
	}
	v.slots[0].fsType = 0
	v.nextSlot = 0
	if r == frDiskErr {
		return v.opError("sync", "", r)
	}
	return nil
}
