package qemu

import (
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
)

// The fat package reads files by name but does not list directories or
// say why a volume does not mount. This is just enough of FAT to tell
// whether a partition is a FAT filesystem and what its root directory
// holds: names (long ones where present), sizes and the volume label.

const (
	sectorSize = 512
	direntSize = 32

	attrVolume = 0x08
	attrDir    = 0x10
	attrLFN    = 0x0f

	// maxRootClusters bounds a FAT32 root directory's cluster chain
	// (a boot partition's root holds a handful of names).
	maxRootClusters = 1 << 16
)

type dirEntry struct {
	name string
	size uint32
}

// rootDir is the root directory of a FAT volume.
type rootDir struct {
	label string
	names []string            // as stored, directories with a trailing "/"
	files map[string]dirEntry // regular files by lower-case name
}

// first returns the stored name of the first of names (compared without
// regard to case, as FAT does) that is a file in the directory, or "".
func (d *rootDir) first(names []string) string {
	for _, n := range names {
		if e, ok := d.files[strings.ToLower(n)]; ok {
			return e.name
		}
	}
	return ""
}

// readRoot reads the root directory of the FAT volume at byte offset base.
func readRoot(r io.ReaderAt, base int64) (*rootDir, error) {
	bs := make([]byte, sectorSize)
	if _, err := r.ReadAt(bs, base); err != nil {
		return nil, err
	}
	u16 := func(off int) uint32 { return uint32(binary.LittleEndian.Uint16(bs[off:])) }
	u32 := func(off int) uint32 { return binary.LittleEndian.Uint32(bs[off:]) }
	bytesPerSector, perCluster, reserved, fats := u16(11), uint32(bs[13]), u16(14), uint32(bs[16])
	rootEntries, total, fatSize := u16(17), u16(19), u16(22)
	if total == 0 {
		total = u32(32)
	}
	if fatSize == 0 {
		fatSize = u32(36)
	}
	switch {
	case bs[510] != 0x55 || bs[511] != 0xaa:
		return nil, errors.New("not a FAT filesystem (no boot sector signature)")
	case bs[0] != 0xeb && bs[0] != 0xe9 && bs[0] != 0xe8,
		bytesPerSector != sectorSize, perCluster == 0, perCluster&(perCluster-1) != 0,
		reserved == 0, fats != 1 && fats != 2, fatSize == 0, total == 0:
		return nil, errors.New("not a FAT filesystem (no valid BIOS parameter block)")
	}
	clusterBytes := int64(perCluster) * sectorSize
	fatStart := base + int64(reserved)*sectorSize
	rootStart := fatStart + int64(fats)*int64(fatSize)*sectorSize
	dataStart := rootStart + int64(rootEntries)*direntSize
	dataStart = (dataStart-base+sectorSize-1)/sectorSize*sectorSize + base
	if dataStart-base >= int64(total)*sectorSize {
		return nil, errors.New("not a FAT filesystem (its areas do not fit its size)")
	}
	clusters := uint32((int64(total)*sectorSize - (dataStart - base)) / clusterBytes)

	var raw []byte
	if rootEntries != 0 { // FAT12/16: a fixed root directory area
		raw = make([]byte, int64(rootEntries)*direntSize)
		if _, err := r.ReadAt(raw, rootStart); err != nil {
			return nil, err
		}
	} else { // FAT32: the root directory is a cluster chain
		c := u32(44)
		var entry [4]byte
		for n := 0; c >= 2 && c < clusters+2; n++ {
			if n == maxRootClusters {
				return nil, errors.New("FAT32 root directory chain does not end")
			}
			cl := make([]byte, clusterBytes)
			if _, err := r.ReadAt(cl, dataStart+int64(c-2)*clusterBytes); err != nil {
				return nil, err
			}
			raw = append(raw, cl...)
			if _, err := r.ReadAt(entry[:], fatStart+int64(c)*4); err != nil {
				return nil, err
			}
			c = binary.LittleEndian.Uint32(entry[:]) & 0x0fffffff
		}
	}
	return parseDir(raw), nil
}

// parseDir decodes directory entries, joining long names to the short
// entries they belong to.
func parseDir(raw []byte) *rootDir {
	d := &rootDir{files: map[string]dirEntry{}}
	var long []uint16
	var longSum byte
	next := -1 // the sequence number the next long-name entry must have
	for off := 0; off+direntSize <= len(raw); off += direntSize {
		e := raw[off : off+direntSize]
		switch {
		case e[0] == 0:
			return d
		case e[0] == 0xe5:
			next = -1
			continue
		case e[11]&0x3f == attrLFN:
			seq := int(e[0] & 0x3f)
			if e[0]&0x40 != 0 {
				long, longSum, next = make([]uint16, 13*seq), e[13], seq
			}
			if seq != next || seq == 0 || e[13] != longSum {
				next = -1
				continue
			}
			part := long[13*(seq-1):]
			for i, at := range []int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30} {
				part[i] = binary.LittleEndian.Uint16(e[at:])
			}
			next--
			continue
		}
		name := shortName(e)
		if next == 0 && longSum == shortSum(e[:11]) {
			name = longName(long)
		}
		next = -1
		switch {
		case e[11]&attrVolume != 0:
			d.label = strings.TrimRight(string(e[:11]), " ")
		case e[11]&attrDir != 0:
			d.names = append(d.names, name+"/")
		default:
			d.names = append(d.names, name)
			d.files[strings.ToLower(name)] = dirEntry{name: name, size: binary.LittleEndian.Uint32(e[28:])}
		}
	}
	return d
}

// shortName is an 8.3 entry's name, with the lower-case flags Windows NT
// (and FatFs) set in byte 12 applied.
func shortName(e []byte) string {
	base, ext := strings.TrimRight(string(e[:8]), " "), strings.TrimRight(string(e[8:11]), " ")
	if e[12]&0x08 != 0 {
		base = strings.ToLower(base)
	}
	if e[12]&0x10 != 0 {
		ext = strings.ToLower(ext)
	}
	if ext == "" {
		return base
	}
	return base + "." + ext
}

// shortSum is the checksum of an 8.3 name that its long-name entries carry.
func shortSum(name []byte) byte {
	var s byte
	for _, c := range name {
		s = (s>>1 | s<<7) + c
	}
	return s
}

// longName decodes the UTF-16 of a long name, up to its NUL terminator.
func longName(u []uint16) string {
	for i, c := range u {
		if c == 0 {
			u = u[:i]
			break
		}
	}
	return string(utf16.Decode(u))
}

// String lists the directory for messages.
func (d *rootDir) String() string {
	if len(d.names) == 0 {
		return "nothing"
	}
	return strings.Join(d.names, ", ")
}
