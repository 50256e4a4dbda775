package fat

import "encoding/binary"

// Special values of getFAT and createChain, as in FatFs.
const (
	clusterIntErr  = 1          // a broken chain or an out-of-range cluster
	clusterDiskErr = 0xFFFFFFFF // the device failed
)

// getFAT returns the FAT entry of cluster c: 0 for free, the next cluster,
// a value >= nFATEnt for end of chain, clusterIntErr or clusterDiskErr.
func (fs *volume) getFAT(c uint32) uint32 {
	if c < 2 || c >= fs.nFATEnt {
		return clusterIntErr
	}
	switch fs.fsType {
	case fat12:
		bc := c + c/2
		if fs.moveWindow(fs.fatbase+bc/sectorSize) != frOK {
			return clusterDiskErr
		}
		wc := uint32(fs.win[bc%sectorSize])
		bc++
		if fs.moveWindow(fs.fatbase+bc/sectorSize) != frOK {
			return clusterDiskErr
		}
		wc |= uint32(fs.win[bc%sectorSize]) << 8
		if c&1 != 0 {
			return wc >> 4
		}
		return wc & 0xFFF
	case fat16:
		if fs.moveWindow(fs.fatbase+c/(sectorSize/2)) != frOK {
			return clusterDiskErr
		}
		return uint32(binary.LittleEndian.Uint16(fs.win[c*2%sectorSize:]))
	case fat32:
		if fs.moveWindow(fs.fatbase+c/(sectorSize/4)) != frOK {
			return clusterDiskErr
		}
		return binary.LittleEndian.Uint32(fs.win[c*4%sectorSize:]) & 0x0FFFFFFF
	}
	return clusterIntErr
}

// putFAT sets the FAT entry of cluster c (in the window; syncWindow
// writes it to both FATs).
func (fs *volume) putFAT(c, val uint32) result {
	if c < 2 || c >= fs.nFATEnt {
		return frIntErr
	}
	switch fs.fsType {
	case fat12:
		bc := c + c/2
		if r := fs.moveWindow(fs.fatbase + bc/sectorSize); r != frOK {
			return r
		}
		p := &fs.win[bc%sectorSize]
		if c&1 != 0 {
			*p = *p&0x0F | byte(val)<<4
		} else {
			*p = byte(val)
		}
		fs.wflag = true
		bc++
		if r := fs.moveWindow(fs.fatbase + bc/sectorSize); r != frOK {
			return r
		}
		p = &fs.win[bc%sectorSize]
		if c&1 != 0 {
			*p = byte(val >> 4)
		} else {
			*p = *p&0xF0 | byte(val>>8)&0x0F
		}
		fs.wflag = true
	case fat16:
		if r := fs.moveWindow(fs.fatbase + c/(sectorSize/2)); r != frOK {
			return r
		}
		binary.LittleEndian.PutUint16(fs.win[c*2%sectorSize:], uint16(val))
		fs.wflag = true
	case fat32:
		if r := fs.moveWindow(fs.fatbase + c/(sectorSize/4)); r != frOK {
			return r
		}
		e := fs.win[c*4%sectorSize:]
		binary.LittleEndian.PutUint32(e, val&0x0FFFFFFF|binary.LittleEndian.Uint32(e)&0xF0000000)
		fs.wflag = true
	default:
		return frIntErr
	}
	return frOK
}

// removeChain frees the chain starting at c; when prev is not 0 it is
// the cluster before c, which becomes the chain's new end.
func (fs *volume) removeChain(c, prev uint32) result {
	if c < 2 || c >= fs.nFATEnt {
		return frIntErr
	}
	if prev != 0 {
		if r := fs.putFAT(prev, 0xFFFFFFFF); r != frOK {
			return r
		}
	}
	for {
		next := fs.getFAT(c)
		switch next {
		case 0:
			return frOK
		case clusterIntErr:
			return frIntErr
		case clusterDiskErr:
			return frDiskErr
		}
		if r := fs.putFAT(c, 0); r != frOK {
			return r
		}
		if fs.freeClst < fs.nFATEnt-2 {
			fs.freeClst++
			fs.fsiFlag |= 1
		}
		c = next
		if c >= fs.nFATEnt {
			return frOK
		}
	}
}

// createChain allocates a cluster: a new chain when c is 0, otherwise
// the one after c (or c's existing successor). It returns the cluster, 0
// when the disk is full, clusterIntErr or clusterDiskErr.
//
// The search order is what makes images match fwup's: a new chain starts
// after the last cluster allocated on this mount, a chain grows into the
// next cluster when it is free, and otherwise the search continues from
// the last allocation, wrapping around once.
func (fs *volume) createChain(c uint32) uint32 {
	var scl uint32
	if c == 0 {
		scl = fs.lastClst
		if scl == 0 || scl >= fs.nFATEnt {
			scl = 1
		}
	} else {
		cs := fs.getFAT(c)
		if cs < 2 {
			return clusterIntErr
		}
		if cs == clusterDiskErr || cs < fs.nFATEnt {
			return cs
		}
		scl = c
	}
	if fs.freeClst == 0 {
		return 0
	}
	var ncl uint32
	if scl == c { // try to stay contiguous
		ncl = scl + 1
		if ncl >= fs.nFATEnt {
			ncl = 2
		}
		cs := fs.getFAT(ncl)
		if cs == clusterIntErr || cs == clusterDiskErr {
			return cs
		}
		if cs != 0 {
			if l := fs.lastClst; l >= 2 && l < fs.nFATEnt {
				scl = l
			}
			ncl = 0
		}
	}
	if ncl == 0 {
		ncl = scl
		for {
			ncl++
			if ncl >= fs.nFATEnt {
				ncl = 2
				if ncl > scl {
					return 0
				}
			}
			cs := fs.getFAT(ncl)
			if cs == 0 {
				break
			}
			if cs == clusterIntErr || cs == clusterDiskErr {
				return cs
			}
			if ncl == scl {
				return 0
			}
		}
	}
	r := fs.putFAT(ncl, 0xFFFFFFFF)
	if r == frOK && c != 0 {
		r = fs.putFAT(c, ncl)
	}
	switch r {
	case frOK:
	case frDiskErr:
		return clusterDiskErr
	default:
		return clusterIntErr
	}
	fs.lastClst = ncl
	if fs.freeClst <= fs.nFATEnt-2 {
		fs.freeClst--
	}
	fs.fsiFlag |= 1
	return ncl
}
