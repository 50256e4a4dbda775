package fat

import "encoding/binary"

// Open modes and file state flags (FatFs's FA_*).
const (
	faRead         = 0x01
	faWrite        = 0x02
	faOpenExisting = 0x00
	faCreateNew    = 0x04
	faCreateAlways = 0x08
	faOpenAlways   = 0x10
	faModified     = 0x40 // the directory entry needs updating
	faDirty        = 0x80 // buf differs from the disk
)

// fatTime is the timestamp fwup gives everything: 1980-01-01 00:00:00.
const fatTime = 1<<21 | 1<<16

// file is FatFs's FIL: an open file with its position and one-sector
// buffer for partial-sector reads and writes.
type file struct {
	fs      *volume
	id      uint16 // fs.id when opened; a remount invalidates the file
	sclust  uint32
	size    uint32
	flag    uint8
	err     result // sticky error: a failed step disables the file
	fptr    uint32
	clust   uint32
	sect    uint32
	dirSect uint32 // sector of the directory entry
	dirOff  uint32 // its offset in that sector
	buf     [sectorSize]byte
}

// valid is FatFs's validate.
func (fp *file) valid() bool {
	return fp.fs != nil && fp.fs.fsType != 0 && fp.id == fp.fs.id && fp.fs.attached
}

// check returns why the file cannot be used, or frOK.
func (fp *file) check() result {
	if !fp.valid() {
		return frInvalidObject
	}
	return fp.err
}

// usable returns why the file cannot be read (access faRead) or written
// (faWrite), or frOK.
func (fp *file) usable(access uint8) result {
	if r := fp.check(); r != frOK {
		return r
	}
	if fp.flag&access == 0 {
		return frDenied
	}
	return frOK
}

// abort disables the file after a failed step.
func (fp *file) abort(r result) result {
	fp.err = r
	return r
}

// open opens or creates path on fs as FatFs's f_open does, including its
// quirks: creating or truncating sets the created and modified times and
// the archive attribute, and truncating an existing file makes the next
// allocation search start at its old first cluster.
func (fs *volume) open(fp *file, path []byte, mode uint8) result {
	fp.fs = nil
	if r := fs.mount(); r != frOK {
		return r
	}
	dj := dirObj{fs: fs}
	r := dj.followPath(path)
	if r == frOK && dj.fn.status&nsNoName != 0 {
		r = frInvalidName
	}
	if mode&(faCreateAlways|faOpenAlways|faCreateNew) != 0 {
		if r != frOK {
			if r == frNoFile {
				r = dj.register()
			}
			mode |= faCreateAlways
		} else if dj.attr&(attrReadOnly|attrDir) != 0 {
			r = frDenied
		} else if mode&faCreateNew != 0 {
			r = frExist
		}
		if r == frOK && mode&faCreateAlways != 0 {
			e := dj.entry()
			binary.LittleEndian.PutUint32(e[offCrtTime:], fatTime)
			binary.LittleEndian.PutUint32(e[offModTime:], fatTime)
			cl := fs.entryCluster(e)
			e[offAttr] = attrArchive
			fs.setEntryCluster(e, 0)
			binary.LittleEndian.PutUint32(e[offSize:], 0)
			fs.wflag = true
			if cl != 0 {
				sc := fs.winsect
				if r = fs.removeChain(cl, 0); r == frOK {
					r = fs.moveWindow(sc)
					fs.lastClst = cl - 1
				}
			}
		}
	} else if r == frOK {
		if dj.attr&attrDir != 0 {
			r = frNoFile
		} else if mode&faWrite != 0 && dj.attr&attrReadOnly != 0 {
			r = frDenied
		}
	}
	if r != frOK {
		return r
	}
	if mode&faCreateAlways != 0 {
		mode |= faModified
	}
	e := dj.entry()
	*fp = file{
		fs:      fs,
		id:      fs.id,
		sclust:  fs.entryCluster(e),
		size:    binary.LittleEndian.Uint32(e[offSize:]),
		flag:    mode,
		dirSect: fs.winsect,
		dirOff:  dj.dptr % sectorSize,
	}
	return frOK
}

// read reads up to len(p) bytes at the file position.
func (fp *file) read(p []byte) (int, result) {
	if r := fp.usable(faRead); r != frOK {
		return 0, r
	}
	fs := fp.fs
	btr := uint32(min(uint64(len(p)), uint64(fp.size-fp.fptr)))
	var done uint32
	for btr > 0 {
		if fp.fptr%sectorSize == 0 {
			csect := fp.fptr / sectorSize & (fs.csize - 1)
			if csect == 0 {
				var clst uint32
				if fp.fptr == 0 {
					clst = fp.sclust
				} else {
					clst = fs.getFAT(fp.clust)
				}
				if clst < 2 {
					return int(done), fp.abort(frIntErr)
				}
				if clst == clusterDiskErr {
					return int(done), fp.abort(frDiskErr)
				}
				fp.clust = clst
			}
			sect := fs.clusterSector(fp.clust)
			if sect == 0 {
				return int(done), fp.abort(frIntErr)
			}
			sect += csect
			if cc := min(btr/sectorSize, fs.csize-csect); cc > 0 {
				n := cc * sectorSize
				dst := p[done : done+n]
				if !fs.diskRead(dst, sect) {
					return int(done), fp.abort(frDiskErr)
				}
				if fp.flag&faDirty != 0 && fp.sect-sect < cc {
					copy(dst[(fp.sect-sect)*sectorSize:], fp.buf[:])
				}
				done, btr, fp.fptr = done+n, btr-n, fp.fptr+n
				continue
			}
			if fp.sect != sect {
				if r := fp.flush(); r != frOK {
					return int(done), r
				}
				if !fs.diskRead(fp.buf[:], sect) {
					return int(done), fp.abort(frDiskErr)
				}
			}
			fp.sect = sect
		}
		n := min(sectorSize-fp.fptr%sectorSize, btr)
		copy(p[done:done+n], fp.buf[fp.fptr%sectorSize:])
		done, btr, fp.fptr = done+n, btr-n, fp.fptr+n
	}
	return int(done), frOK
}

// flush writes a dirty sector buffer back.
func (fp *file) flush() result {
	if fp.flag&faDirty != 0 {
		if !fp.fs.diskWrite(fp.buf[:], fp.sect) {
			return fp.abort(frDiskErr)
		}
		fp.flag &^= faDirty
	}
	return frOK
}

// write writes p at the file position, allocating clusters as it goes.
// When the disk fills up it stops early and returns the count written
// with frOK, as FatFs does.
func (fp *file) write(p []byte) (int, result) {
	if r := fp.usable(faWrite); r != frOK {
		return 0, r
	}
	fs := fp.fs
	btw := uint32(min(uint64(len(p)), 0xFFFFFFFF))
	if fp.fptr+btw < fp.fptr { // a FAT file cannot reach 4 GiB
		btw = 0xFFFFFFFF - fp.fptr
	}
	var done uint32
	for btw > 0 {
		if fp.fptr%sectorSize == 0 {
			csect := fp.fptr / sectorSize & (fs.csize - 1)
			if csect == 0 {
				var clst uint32
				switch {
				case fp.fptr != 0:
					clst = fs.createChain(fp.clust)
				case fp.sclust == 0:
					clst = fs.createChain(0)
				default:
					clst = fp.sclust
				}
				if clst == 0 {
					break // disk full
				}
				if clst == clusterIntErr {
					return int(done), fp.abort(frIntErr)
				}
				if clst == clusterDiskErr {
					return int(done), fp.abort(frDiskErr)
				}
				fp.clust = clst
				if fp.sclust == 0 {
					fp.sclust = clst
				}
			}
			if r := fp.flush(); r != frOK {
				return int(done), r
			}
			sect := fs.clusterSector(fp.clust)
			if sect == 0 {
				return int(done), fp.abort(frIntErr)
			}
			sect += csect
			if cc := min(btw/sectorSize, fs.csize-csect); cc > 0 {
				n := cc * sectorSize
				src := p[done : done+n]
				if !fs.diskWrite(src, sect) {
					return int(done), fp.abort(frDiskErr)
				}
				if fp.sect-sect < cc { // keep the buffer in step with the disk
					copy(fp.buf[:], src[(fp.sect-sect)*sectorSize:])
					fp.flag &^= faDirty
				}
				fp.advance(&done, &btw, n)
				continue
			}
			if fp.fptr < fp.size {
				if fp.sect != sect && !fs.diskRead(fp.buf[:], sect) {
					return int(done), fp.abort(frDiskErr)
				}
			} else {
				// Past the end of the file: FatFs keeps whatever the buffer
				// held, which is how fwup's images get stale slack. Zeros
				// make slack reproducible.
				fp.buf = [sectorSize]byte{}
			}
			fp.sect = sect
		}
		n := min(sectorSize-fp.fptr%sectorSize, btw)
		copy(fp.buf[fp.fptr%sectorSize:], p[done:done+n])
		fp.flag |= faDirty
		fp.advance(&done, &btw, n)
	}
	fp.flag |= faModified
	return int(done), frOK
}

// advance moves the position of a write by n bytes, growing the file.
func (fp *file) advance(done, left *uint32, n uint32) {
	*done += n
	*left -= n
	fp.fptr += n
	fp.size = max(fp.size, fp.fptr)
}

// sync writes the buffer and, if the file changed, its directory entry
// (size, first cluster, archive bit, modified time), then flushes the
// volume.
func (fp *file) sync() result {
	if !fp.valid() {
		return frInvalidObject
	}
	if fp.flag&faModified == 0 {
		return frOK
	}
	fs := fp.fs
	if fp.flag&faDirty != 0 {
		if !fs.diskWrite(fp.buf[:], fp.sect) {
			return frDiskErr
		}
		fp.flag &^= faDirty
	}
	if r := fs.moveWindow(fp.dirSect); r != frOK {
		return r
	}
	e := fs.win[fp.dirOff : fp.dirOff+dirEntrySize]
	e[offAttr] |= attrArchive
	fs.setEntryCluster(e, fp.sclust)
	binary.LittleEndian.PutUint32(e[offSize:], fp.size)
	binary.LittleEndian.PutUint32(e[offModTime:], fatTime)
	binary.LittleEndian.PutUint16(e[offAccDate:], 0)
	fs.wflag = true
	r := fs.syncFS()
	fp.flag &^= faModified
	return r
}

// close syncs the file and invalidates it.
func (fp *file) close() result {
	r := fp.sync()
	if r == frOK {
		if !fp.valid() {
			return frInvalidObject
		}
		fp.fs = nil
	}
	return r
}

// seek moves the file position, as FatFs's f_lseek. In read-only mode it
// stops at the end of the file; in write mode it would extend the file
// (fwup never seeks past the end: it writes zeros instead).
func (fp *file) seek(ofs uint32) result {
	r := fp.check()
	if r != frOK {
		return r
	}
	fs := fp.fs
	if ofs > fp.size && fp.flag&faWrite == 0 {
		ofs = fp.size
	}
	ifptr := fp.fptr
	fp.fptr = 0
	var nsect uint32
	if ofs > 0 {
		bcs := fs.csize * sectorSize
		var clst uint32
		if ifptr > 0 && (ofs-1)/bcs >= (ifptr-1)/bcs {
			fp.fptr = (ifptr - 1) &^ (bcs - 1) // start from the current cluster
			ofs -= fp.fptr
			clst = fp.clust
		} else {
			clst = fp.sclust
			if clst == 0 {
				clst = fs.createChain(0)
				if clst == clusterIntErr {
					return fp.abort(frIntErr)
				}
				if clst == clusterDiskErr {
					return fp.abort(frDiskErr)
				}
				fp.sclust = clst
			}
			fp.clust = clst
		}
		if clst != 0 {
			for ofs > bcs {
				ofs -= bcs
				fp.fptr += bcs
				if fp.flag&faWrite != 0 {
					clst = fs.createChain(clst)
					if clst == 0 { // disk full: the file ends here
						ofs = 0
						break
					}
				} else {
					clst = fs.getFAT(clst)
				}
				if clst == clusterDiskErr {
					return fp.abort(frDiskErr)
				}
				if clst <= 1 || clst >= fs.nFATEnt {
					return fp.abort(frIntErr)
				}
				fp.clust = clst
			}
			fp.fptr += ofs
			if ofs%sectorSize != 0 {
				nsect = fs.clusterSector(clst)
				if nsect == 0 {
					return fp.abort(frIntErr)
				}
				nsect += ofs / sectorSize
			}
		}
	}
	if fp.fptr > fp.size {
		fp.size = fp.fptr
		fp.flag |= faModified
	}
	if fp.fptr%sectorSize != 0 && nsect != fp.sect {
		if r := fp.flush(); r != frOK {
			return r
		}
		if !fs.diskRead(fp.buf[:], nsect) {
			return fp.abort(frDiskErr)
		}
		fp.sect = nsect
	}
	return frOK
}

// truncate cuts the file at its position.
func (fp *file) truncate() result {
	if r := fp.usable(faWrite); r != frOK {
		return r
	}
	if fp.fptr >= fp.size {
		return frOK
	}
	fs := fp.fs
	r := frOK
	if fp.fptr == 0 {
		r = fs.removeChain(fp.sclust, 0)
		fp.sclust = 0
	} else {
		ncl := fs.getFAT(fp.clust)
		switch {
		case ncl == clusterDiskErr:
			r = frDiskErr
		case ncl == clusterIntErr:
			r = frIntErr
		case ncl < fs.nFATEnt:
			r = fs.removeChain(ncl, fp.clust)
		}
	}
	fp.size = fp.fptr
	fp.flag |= faModified
	if r == frOK && fp.flag&faDirty != 0 {
		if fs.diskWrite(fp.buf[:], fp.sect) {
			fp.flag &^= faDirty
		} else {
			r = frDiskErr
		}
	}
	if r != frOK {
		return fp.abort(r)
	}
	return frOK
}
