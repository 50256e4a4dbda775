package fat

import (
	"bytes"
	"encoding/binary"
)

// Directory entry layout.
const (
	dirEntrySize = 32
	maxDirBytes  = 0x200000 // FatFs's limit on a directory's size
	deletedMark  = 0xE5     // first name byte of a free entry
	kanjiE5      = 0x05     // stands for a leading 0xE5 name byte

	offName    = 0
	offAttr    = 11
	offNTRes   = 12 // lower-case flags of a short name
	offCrtTime = 14
	offAccDate = 18
	offClustHi = 20
	offModTime = 22
	offClustLo = 26
	offSize    = 28

	offLFNOrd  = 0
	offLFNAttr = 11
	offLFNType = 12
	offLFNSum  = 13
	lastLFN    = 0x40 // order flag of the last (first stored) long-name entry
)

// Attribute bits.
const (
	attrReadOnly = 0x01
	attrHidden   = 0x02
	attrSystem   = 0x04
	attrVolume   = 0x08
	attrDir      = 0x10
	attrArchive  = 0x20
	attrLFN      = 0x0F
	attrMask     = 0x3F
)

// noLFNBlock is blkOfs for an entry without long-name entries.
const noLFNBlock = 0xFFFFFFFF

// dirObj is FatFs's DIR: a position in a directory table plus the name
// being looked up there.
type dirObj struct {
	fs     *volume
	sclust uint32 // table's first cluster; 0 is the root directory
	attr   uint8  // attributes of the entry last found
	dptr   uint32 // byte offset of the current entry in the table
	clust  uint32 // cluster holding it (0: the FAT12/16 root table)
	sect   uint32 // sector holding it (0: end of table)
	blkOfs uint32 // offset of the entry's first long-name entry
	fn     shortName
}

// entry returns the current entry inside the window; only valid while the
// window shows dp.sect.
func (dp *dirObj) entry() []byte {
	o := dp.dptr % sectorSize
	return dp.fs.win[o : o+dirEntrySize]
}

// entryCluster returns an entry's first cluster.
func (fs *volume) entryCluster(e []byte) uint32 {
	c := uint32(binary.LittleEndian.Uint16(e[offClustLo:]))
	if fs.fsType == fat32 {
		c |= uint32(binary.LittleEndian.Uint16(e[offClustHi:])) << 16
	}
	return c
}

// setEntryCluster stores an entry's first cluster.
func (fs *volume) setEntryCluster(e []byte, c uint32) {
	binary.LittleEndian.PutUint16(e[offClustLo:], uint16(c))
	if fs.fsType == fat32 {
		binary.LittleEndian.PutUint16(e[offClustHi:], uint16(c>>16))
	}
}

// clearCluster zeroes a directory cluster on disk and leaves the window
// on its first sector, zeroed.
func (fs *volume) clearCluster(c uint32) result {
	if fs.syncWindow() != frOK {
		return frDiskErr
	}
	sect := fs.clusterSector(c)
	fs.winsect = sect
	fs.win = [sectorSize]byte{}
	for n := range fs.csize {
		if !fs.diskWrite(fs.win[:], sect+n) {
			return frDiskErr
		}
	}
	return frOK
}

// seek positions dp at byte offset ofs of its table.
func (dp *dirObj) seek(ofs uint32) result {
	fs := dp.fs
	if ofs >= maxDirBytes || ofs%dirEntrySize != 0 {
		return frIntErr
	}
	dp.dptr = ofs
	clst := dp.sclust
	if clst == 0 && fs.fsType >= fat32 {
		clst = fs.dirbase
	}
	if clst == 0 { // the FAT12/16 root directory is a fixed table
		if ofs/dirEntrySize >= fs.nRootDir {
			return frIntErr
		}
		dp.sect = fs.dirbase
	} else {
		csz := fs.csize * sectorSize
		for ofs >= csz {
			clst = fs.getFAT(clst)
			if clst == clusterDiskErr {
				return frDiskErr
			}
			if clst < 2 || clst >= fs.nFATEnt {
				return frIntErr
			}
			ofs -= csz
		}
		dp.sect = fs.clusterSector(clst)
	}
	dp.clust = clst
	if dp.sect == 0 {
		return frIntErr
	}
	dp.sect += ofs / sectorSize
	return frOK
}

// next moves dp to the following entry. At the end of a cluster chain it
// reports frNoFile, or with stretch allocates and zeroes a new cluster
// (frDenied when the disk is full).
func (dp *dirObj) next(stretch bool) result {
	fs := dp.fs
	ofs := dp.dptr + dirEntrySize
	if ofs >= maxDirBytes {
		dp.sect = 0
	}
	if dp.sect == 0 {
		return frNoFile
	}
	if ofs%sectorSize == 0 {
		dp.sect++
		if dp.clust == 0 {
			if ofs/dirEntrySize >= fs.nRootDir {
				dp.sect = 0
				return frNoFile
			}
		} else if (ofs/sectorSize)&(fs.csize-1) == 0 {
			clst := fs.getFAT(dp.clust)
			if clst <= 1 {
				return frIntErr
			}
			if clst == clusterDiskErr {
				return frDiskErr
			}
			if clst >= fs.nFATEnt {
				if !stretch {
					dp.sect = 0
					return frNoFile
				}
				clst = fs.createChain(dp.clust)
				switch clst {
				case 0:
					return frDenied
				case clusterIntErr:
					return frIntErr
				case clusterDiskErr:
					return frDiskErr
				}
				if fs.clearCluster(clst) != frOK {
					return frDiskErr
				}
			}
			dp.clust = clst
			dp.sect = fs.clusterSector(clst)
		}
	}
	dp.dptr = ofs
	return frOK
}

// isFree reports whether a directory entry's slot can be reused.
func isFree(e []byte) bool { return e[offName] == deletedMark || e[offName] == 0 }

// alloc finds n contiguous free entries, growing the table if needed, and
// leaves dp on the last of them.
func (dp *dirObj) alloc(n uint32) result {
	r := dp.seek(0)
	if r == frOK {
		var found uint32
		for {
			if r = dp.fs.moveWindow(dp.sect); r != frOK {
				break
			}
			if isFree(dp.entry()) {
				found++
				if found == n {
					break
				}
			} else {
				found = 0
			}
			if r = dp.next(true); r != frOK {
				break
			}
		}
	}
	if r == frNoFile {
		r = frDenied
	}
	return r
}

// find looks the name in dp.fn and fs.lfn up in dp's table, leaving dp on
// its short entry.
func (dp *dirObj) find() result {
	fs := dp.fs
	if r := dp.seek(0); r != frOK {
		return r
	}
	run := newLFNRun()
	dp.blkOfs = noLFNBlock
	for {
		if r := fs.moveWindow(dp.sect); r != frOK {
			return r
		}
		e := dp.entry()
		c := e[offName]
		if c == 0 {
			return frNoFile
		}
		a := e[offAttr] & attrMask
		dp.attr = a
		switch {
		case c == deletedMark || (a&attrVolume != 0 && a != attrLFN):
			run.ord, dp.blkOfs = 0xFF, noLFNBlock
		case a == attrLFN:
			if dp.fn.status&nsNoLFN == 0 {
				run.add(dp, e, matchLFN)
			}
		default:
			if run.ends(e) {
				return frOK
			}
			if dp.fn.status&nsLoss == 0 && bytes.Equal(e[:11], dp.fn.name[:]) {
				return frOK
			}
			run.ord, dp.blkOfs = 0xFF, noLFNBlock
		}
		if r := dp.next(false); r != frOK {
			return r
		}
	}
}

// lfnRun follows a run of long-name entries, which must come in
// descending order with their short entry's checksum and end right
// before that short entry.
type lfnRun struct {
	ord byte // order expected next; 0 once complete, 0xFF when broken
	sum byte
}

func newLFNRun() lfnRun { return lfnRun{ord: 0xFF, sum: 0xFF} }

// add takes long-name entry e of dp into the run; part compares it with,
// or copies it into, the name buffer.
func (l *lfnRun) add(dp *dirObj, e []byte, part func(lfn []uint16, e []byte) bool) {
	c := e[offLFNOrd]
	if c&lastLFN != 0 { // the first entry of a run
		l.sum = e[offLFNSum]
		c &^= lastLFN
		l.ord = c
		dp.blkOfs = dp.dptr
	}
	if c == l.ord && l.sum == e[offLFNSum] && part(dp.fs.lfn[:], e) {
		l.ord--
	} else {
		l.ord = 0xFF
	}
}

// ends reports whether the run is complete and belongs to short entry e.
func (l *lfnRun) ends(e []byte) bool { return l.ord == 0 && l.sum == shortNameSum(e[:11]) }

// read moves dp to the next file or directory entry (label false) or to
// the volume label entry (label true), skipping free, dot and long-name
// entries; frNoFile at the end of the table.
func (dp *dirObj) read(label bool) result {
	fs := dp.fs
	r := frNoFile
	run := newLFNRun()
	for dp.sect != 0 {
		if r = fs.moveWindow(dp.sect); r != frOK {
			break
		}
		e := dp.entry()
		b := e[offName]
		if b == 0 {
			r = frNoFile
			break
		}
		a := e[offAttr] & attrMask
		dp.attr = a
		if b == deletedMark || b == '.' || (a&^attrArchive == attrVolume) != label {
			run.ord = 0xFF
		} else if a == attrLFN {
			run.add(dp, e, pickLFN)
		} else {
			if !run.ends(e) {
				dp.blkOfs = noLFNBlock
			}
			break
		}
		if r = dp.next(false); r != frOK {
			break
		}
	}
	if r != frOK {
		dp.sect = 0
	}
	return r
}

// register adds the entries for the name in dp.fn and fs.lfn: a numbered
// short name when the long name does not fit 8.3, long-name entries when
// needed, and a zeroed short entry carrying the name and case flags. dp is
// left on the short entry.
func (dp *dirObj) register() result {
	fs := dp.fs
	if dp.fn.status&(nsDot|nsNoName) != 0 {
		return frInvalidName
	}
	n := 0
	for fs.lfn[n] != 0 {
		n++
	}
	sn := dp.fn
	if sn.status&nsLoss != 0 {
		dp.fn.status = nsNoLFN // look short names up only
		seq := 1
		r := frOK
		for ; seq < 100; seq++ {
			dp.fn.name = numberedName(sn.name, fs.lfn[:], seq)
			if r = dp.find(); r != frOK {
				break
			}
		}
		if seq == 100 {
			return frDenied
		}
		if r != frNoFile {
			return r
		}
		dp.fn.status = sn.status
	}
	nEnt := uint32(1)
	if sn.status&nsLFN != 0 {
		nEnt = uint32(n+12)/13 + 1
	}
	r := dp.alloc(nEnt)
	if r == frOK && nEnt > 1 {
		nEnt--
		r = dp.seek(dp.dptr - nEnt*dirEntrySize)
		if r == frOK {
			sum := shortNameSum(dp.fn.name[:])
			for {
				if r = fs.moveWindow(dp.sect); r != frOK {
					break
				}
				putLFN(fs.lfn[:], dp.entry(), byte(nEnt), sum)
				fs.wflag = true
				if r = dp.next(false); r != frOK {
					break
				}
				nEnt--
				if nEnt == 0 {
					break
				}
			}
		}
	}
	if r == frOK {
		if r = fs.moveWindow(dp.sect); r == frOK {
			e := dp.entry()
			clear(e)
			copy(e[offName:], dp.fn.name[:])
			e[offNTRes] = dp.fn.status & (nsBody | nsExt)
			fs.wflag = true
		}
	}
	return r
}

// remove marks dp's entry and its long-name entries deleted.
func (dp *dirObj) remove() result {
	fs := dp.fs
	last := dp.dptr
	r := frOK
	if dp.blkOfs != noLFNBlock {
		r = dp.seek(dp.blkOfs)
	}
	for r == frOK {
		if r = fs.moveWindow(dp.sect); r != frOK {
			break
		}
		dp.entry()[offName] = deletedMark
		fs.wflag = true
		if dp.dptr >= last {
			break
		}
		r = dp.next(false)
	}
	if r == frNoFile {
		r = frIntErr
	}
	return r
}
