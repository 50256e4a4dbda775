package fat

import (
	"bytes"
	"encoding/binary"
)

// The operations in this file are FatFs's f_stat, f_mkdir, f_unlink,
// f_rename, f_chmod and f_setlabel on one volume. Paths are what follows
// fwup's "N:" drive prefix.

// findObject mounts the volume and looks path up; the root directory
// itself is not an object.
func (fs *volume) findObject(path []byte) (dirObj, result) {
	dj := dirObj{fs: fs}
	r := fs.mount()
	if r == frOK {
		r = dj.followPath(path)
	}
	if r == frOK && dj.fn.status&(nsDot|nsNoName) != 0 {
		r = frInvalidName
	}
	return dj, r
}

// stat returns the attributes of the object at path.
func (fs *volume) stat(path []byte) (attr uint8, r result) {
	dj, r := fs.findObject(path)
	return dj.attr, r
}

// mkdir creates a directory: a zeroed cluster with "." and ".." entries
// (".." holds 0 for the root, also on FAT32), then its entry in the
// parent, which has no creation time.
func (fs *volume) mkdir(path []byte) result {
	if r := fs.mount(); r != frOK {
		return r
	}
	dj := dirObj{fs: fs}
	r := dj.followPath(path)
	if r == frOK {
		r = frExist
	}
	if r != frNoFile {
		return r
	}
	dcl := fs.createChain(0)
	r = frOK
	switch dcl {
	case 0:
		r = frDenied
	case clusterIntErr:
		r = frIntErr
	case clusterDiskErr:
		r = frDiskErr
	}
	if r == frOK {
		r = fs.clearCluster(dcl)
	}
	if r == frOK {
		dot := fs.win[:dirEntrySize]
		copy(dot, ".          ")
		dot[offAttr] = attrDir
		binary.LittleEndian.PutUint32(dot[offModTime:], fatTime)
		fs.setEntryCluster(dot, dcl)
		dotdot := fs.win[dirEntrySize : 2*dirEntrySize]
		copy(dotdot, dot)
		dotdot[1] = '.'
		fs.setEntryCluster(dotdot, dj.sclust)
		fs.wflag = true
		r = dj.register()
	}
	if r != frOK {
		fs.removeChain(dcl, 0) // FatFs ignores a failure here
		return r
	}
	e := dj.entry()
	binary.LittleEndian.PutUint32(e[offModTime:], fatTime)
	fs.setEntryCluster(e, dcl)
	e[offAttr] = attrDir
	fs.wflag = true
	return fs.syncFS()
}

// unlink removes a file or an empty directory.
func (fs *volume) unlink(path []byte) result {
	dj, r := fs.findObject(path)
	if r != frOK {
		return r
	}
	if dj.attr&attrReadOnly != 0 {
		return frDenied
	}
	dclst := fs.entryCluster(dj.entry())
	if dj.attr&attrDir != 0 {
		sub := dirObj{fs: fs, sclust: dclst}
		r = sub.seek(0)
		if r == frOK {
			switch r = sub.read(false); r {
			case frOK:
				r = frDenied // not empty
			case frNoFile:
				r = frOK
			}
		}
		if r != frOK {
			return r
		}
	}
	if r = dj.remove(); r == frOK && dclst != 0 {
		r = fs.removeChain(dclst, 0)
	}
	if r == frOK {
		r = fs.syncFS()
	}
	return r
}

// rename moves an object to newPath: a new entry carrying the old one's
// attributes, cluster, size and times is registered, a moved directory's
// ".." is updated, then the old entry is deleted. Renaming onto the same
// object (a change of case) is allowed.
func (fs *volume) rename(oldPath, newPath []byte) result {
	djo, r := fs.findObject(oldPath)
	if r != frOK {
		return r
	}
	var saved [dirEntrySize]byte
	copy(saved[:], djo.entry())
	djn := djo
	r = djn.followPath(newPath)
	if r == frOK {
		r = frExist
		if djn.sclust == djo.sclust && djn.dptr == djo.dptr {
			r = frNoFile
		}
	}
	if r != frNoFile {
		return r
	}
	if r = djn.register(); r != frOK {
		return r
	}
	e := djn.entry()
	copy(e[13:], saved[13:])
	e[offAttr] = saved[offAttr]
	if e[offAttr]&attrDir == 0 {
		e[offAttr] |= attrArchive
	}
	fs.wflag = true
	if e[offAttr]&attrDir != 0 && djo.sclust != djn.sclust {
		sect := fs.clusterSector(fs.entryCluster(e))
		if sect == 0 {
			return frIntErr
		}
		if r = fs.moveWindow(sect); r != frOK {
			return r
		}
		if dotdot := fs.win[dirEntrySize : 2*dirEntrySize]; dotdot[1] == '.' {
			fs.setEntryCluster(dotdot, djn.sclust)
			fs.wflag = true
		}
	}
	if r = djo.remove(); r != frOK {
		return r
	}
	return fs.syncFS()
}

// chmod sets the attribute bits in mask to those of attr.
func (fs *volume) chmod(path []byte, attr, mask uint8) result {
	dj, r := fs.findObject(path)
	if r != frOK {
		return r
	}
	mask &= attrReadOnly | attrHidden | attrSystem | attrArchive
	e := dj.entry()
	e[offAttr] = attr&mask | e[offAttr]&^mask
	fs.wflag = true
	return fs.syncFS()
}

// labelBadChars are refused in FAT volume labels.
const labelBadChars = "+.,;=[]/*:<>|\\\"?\x7F"

// setLabel sets, replaces or (for an empty label) removes the volume
// label entry in the root directory. The boot sector's copy is left alone.
func (fs *volume) setLabel(label []byte) result {
	if r := fs.mount(); r != frOK {
		return r
	}
	var name [11]byte
	for i := range name {
		name[i] = ' '
	}
	n := 0
	for i := 0; byteAt(label, i) >= ' '; i++ {
		// Labels are up-cased through Unicode, unlike short names.
		wc := unicodeToOEM(toUpper(uint32(oemToUnicode(label[i]))))
		if wc == 0 || bytes.IndexByte([]byte(labelBadChars), byte(wc)) >= 0 || n >= 11 {
			return frInvalidName
		}
		name[n] = byte(wc)
		n++
	}
	if name[0] == deletedMark {
		return frInvalidName
	}
	for n > 0 && name[n-1] == ' ' {
		n--
	}

	dj := dirObj{fs: fs}
	r := dj.seek(0)
	if r != frOK {
		return r
	}
	switch r = dj.read(true); r {
	case frOK:
		e := dj.entry()
		if n != 0 {
			copy(e, name[:])
		} else {
			e[offName] = deletedMark
		}
		fs.wflag = true
		return fs.syncFS()
	case frNoFile:
		if n == 0 {
			return frOK
		}
		if r = dj.alloc(1); r != frOK {
			return r
		}
		e := dj.entry()
		clear(e)
		e[offAttr] = attrVolume
		copy(e, name[:])
		fs.wflag = true
		return fs.syncFS()
	}
	return r
}
