package fat

import (
	"encoding/binary"
	"errors"
	"io"
)

// sectorSize is FatFs's fixed sector size (FF_MIN_SS = FF_MAX_SS = 512),
// which is also fwup's block size.
const sectorSize = 512

// fatType is FatFs's fs_type; 0 means the volume is not mounted.
type fatType uint8

const (
	fat12 fatType = 1
	fat16 fatType = 2
	fat32 fatType = 3
)

// Cluster-count limits FatFs uses to tell the FAT types apart (they differ
// from the specification by one, as DOS and Windows do).
const (
	maxFAT12 = 0xFF5
	maxFAT16 = 0xFFF5
	maxFAT32 = 0x0FFFFFF5
)

// fsinfoDisabled is fsiFlag's bit for a volume without a usable FSINFO
// sector: FatFs then never writes one.
const fsinfoDisabled = 0x80

// volume is FatFs's FATFS object for one of fwup's mount slots: the
// geometry read from the boot sector, the allocation hints FatFs keeps in
// memory between operations, and its one-sector window onto directories
// and the FAT. Sector numbers are 32-bit as in FatFs (FF_LBA64 = 0) and are
// relative to the volume's first sector.
type volume struct {
	host     *Volumes
	base     int64  // byte offset of sector 0 on the Device
	nSectors uint32 // what the disk layer reports as its size: fat_mkfs's count
	attached bool   // the slot is in use; FatFs's disk_status

	fsType   fatType
	id       uint16 // mount id; open files of an earlier mount are invalid
	nFATs    uint32
	csize    uint32 // sectors per cluster
	nRootDir uint32 // FAT12/16 root directory entries
	nFATEnt  uint32 // clusters + 2
	fsize    uint32 // sectors per FAT
	volbase  uint32
	fatbase  uint32
	dirbase  uint32 // root directory: a sector (FAT12/16) or a cluster (FAT32)
	database uint32

	// lastClst is where the next new chain's search starts, freeClst the
	// free cluster count (0xFFFFFFFF: unknown); FSINFO persists both on
	// FAT32. fsiFlag bit 0 means they changed since the last sync.
	lastClst uint32
	freeClst uint32
	fsiFlag  uint8

	win     [sectorSize]byte
	winsect uint32
	wflag   bool // win differs from the disk

	// lfn is FatFs's long-name work buffer: the UTF-16 name of the path
	// segment being looked up or created, NUL-terminated.
	lfn [maxLFN + 1]uint16
}

// diskRead reads whole sectors; false is FatFs's RES_ERROR.
func (fs *volume) diskRead(p []byte, sect uint32) bool {
	if !fs.attached {
		return false
	}
	n, err := fs.host.dev.ReadAt(p, fs.base+int64(sect)*sectorSize)
	if n == len(p) && (err == nil || errors.Is(err, io.EOF)) {
		return true
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	fs.host.lastIOErr = err
	return false
}

// diskWrite writes whole sectors; false is FatFs's RES_ERROR.
func (fs *volume) diskWrite(p []byte, sect uint32) bool {
	if !fs.attached {
		return false
	}
	off := fs.base + int64(sect)*sectorSize
	if st, ok := fs.host.dev.(Streamer); ok && sect > streamedAfter {
		err := st.Stream(p, off)
		if err == nil {
			return true
		}
		fs.host.lastIOErr = err
		return false
	}
	n, err := fs.host.dev.WriteAt(p, off)
	if n == len(p) && err == nil {
		return true
	}
	if err == nil {
		err = io.ErrShortWrite
	}
	fs.host.lastIOErr = err
	return false
}

// syncWindow writes the window back if it is dirty, mirroring a sector
// of the first FAT into the second.
func (fs *volume) syncWindow() result {
	if !fs.wflag {
		return frOK
	}
	if !fs.diskWrite(fs.win[:], fs.winsect) {
		return frDiskErr
	}
	fs.wflag = false
	if fs.winsect-fs.fatbase < fs.fsize && fs.nFATs == 2 {
		fs.diskWrite(fs.win[:], fs.winsect+fs.fsize) // FatFs ignores a failure here
	}
	return frOK
}

// moveWindow makes the window show sector sect.
func (fs *volume) moveWindow(sect uint32) result {
	if sect == fs.winsect {
		return frOK
	}
	if r := fs.syncWindow(); r != frOK {
		return r
	}
	r := frOK
	if !fs.diskRead(fs.win[:], sect) {
		sect = 0xFFFFFFFF // the window holds nothing valid
		r = frDiskErr
	}
	fs.winsect = sect
	return r
}

// syncFS flushes the window and, on FAT32, a changed FSINFO sector.
func (fs *volume) syncFS() result {
	if r := fs.syncWindow(); r != frOK {
		return r
	}
	if fs.fsType == fat32 && fs.fsiFlag == 1 {
		fs.win = [sectorSize]byte{}
		putFSInfo(fs.win[:], fs.freeClst, fs.lastClst)
		fs.winsect = fs.volbase + 1
		fs.diskWrite(fs.win[:], fs.winsect) // FatFs ignores a failure here
		fs.fsiFlag = 0
	}
	return frOK
}

// putFSInfo fills a zeroed sector with an FSINFO record.
func putFSInfo(s []byte, free, next uint32) {
	binary.LittleEndian.PutUint32(s[0:], 0x41615252)
	binary.LittleEndian.PutUint32(s[484:], 0x61417272)
	binary.LittleEndian.PutUint32(s[488:], free)
	binary.LittleEndian.PutUint32(s[492:], next)
	binary.LittleEndian.PutUint16(s[510:], 0xAA55)
}

// clusterSector returns the first sector of cluster c, or 0 when c is not
// a data cluster.
func (fs *volume) clusterSector(c uint32) uint32 {
	c -= 2
	if c >= fs.nFATEnt-2 {
		return 0
	}
	return fs.database + fs.csize*c
}

// Results of checkBootSector, as FatFs's check_fs.
const (
	bootFAT       = 0
	bootNotFAT    = 2 // a boot sector, but not FAT
	bootInvalid   = 3
	bootDiskError = 4
)

// checkBootSector loads sector sect into the window and says whether it
// is a FAT volume boot record.
func (fs *volume) checkBootSector(sect uint32) int {
	fs.wflag = false
	fs.winsect = 0xFFFFFFFF
	if fs.moveWindow(sect) != frOK {
		return bootDiskError
	}
	w := fs.win[:]
	signed := binary.LittleEndian.Uint16(w[510:]) == 0xAA55
	if b := w[0]; b == 0xEB || b == 0xE9 || b == 0xE8 {
		if signed && string(w[82:90]) == "FAT32   " {
			return bootFAT
		}
		// Early DOS volumes lack the signature and type string.
		bps := binary.LittleEndian.Uint16(w[11:])
		spc := w[13]
		if bps == sectorSize &&
			spc != 0 && spc&(spc-1) == 0 &&
			binary.LittleEndian.Uint16(w[14:]) != 0 &&
			uint(w[16])-1 <= 1 &&
			binary.LittleEndian.Uint16(w[17:]) != 0 &&
			(binary.LittleEndian.Uint16(w[19:]) >= 128 || binary.LittleEndian.Uint32(w[32:]) >= 0x10000) &&
			binary.LittleEndian.Uint16(w[22:]) != 0 {
			return bootFAT
		}
	}
	if signed {
		return bootNotFAT
	}
	return bootInvalid
}

// findVolume looks for a FAT boot record at sector 0, then in the four
// primary partitions a boot sector there names.
func (fs *volume) findVolume() int {
	kind := fs.checkBootSector(0)
	if kind != bootNotFAT {
		return kind
	}
	var starts [4]uint32
	for i := range starts {
		starts[i] = binary.LittleEndian.Uint32(fs.win[446+16*i+8:])
	}
	for _, s := range starts {
		kind = bootInvalid
		if s != 0 {
			kind = fs.checkBootSector(s)
		}
		if kind < bootNotFAT {
			break
		}
	}
	return kind
}

// mount makes the volume usable: a no-op when it is mounted, otherwise
// FatFs's mount_volume, which reads the boot record and, on FAT32, the
// allocation hints in FSINFO.
func (fs *volume) mount() result {
	if fs.fsType != 0 && fs.attached {
		return frOK
	}
	fs.fsType = 0
	kind := fs.findVolume()
	if kind == bootDiskError {
		return frDiskErr
	}
	if kind >= bootNotFAT {
		return frNoFilesystem
	}
	bsect := fs.winsect
	w := fs.win[:]
	if binary.LittleEndian.Uint16(w[11:]) != sectorSize {
		return frNoFilesystem
	}
	fasize := uint32(binary.LittleEndian.Uint16(w[22:]))
	if fasize == 0 {
		fasize = binary.LittleEndian.Uint32(w[36:])
	}
	fs.fsize = fasize
	fs.nFATs = uint32(w[16])
	if fs.nFATs != 1 && fs.nFATs != 2 {
		return frNoFilesystem
	}
	fasize *= fs.nFATs
	fs.csize = uint32(w[13])
	if fs.csize == 0 || fs.csize&(fs.csize-1) != 0 {
		return frNoFilesystem
	}
	fs.nRootDir = uint32(binary.LittleEndian.Uint16(w[17:]))
	if fs.nRootDir%(sectorSize/dirEntrySize) != 0 {
		return frNoFilesystem
	}
	tsect := uint32(binary.LittleEndian.Uint16(w[19:]))
	if tsect == 0 {
		tsect = binary.LittleEndian.Uint32(w[32:])
	}
	nrsv := uint32(binary.LittleEndian.Uint16(w[14:]))
	if nrsv == 0 {
		return frNoFilesystem
	}
	sysect := nrsv + fasize + fs.nRootDir/(sectorSize/dirEntrySize)
	if tsect < sysect {
		return frNoFilesystem
	}
	nclst := (tsect - sysect) / fs.csize
	if nclst == 0 {
		return frNoFilesystem
	}
	var kindFAT fatType
	switch {
	case nclst <= maxFAT12:
		kindFAT = fat12
	case nclst <= maxFAT16:
		kindFAT = fat16
	case nclst <= maxFAT32:
		kindFAT = fat32
	default:
		return frNoFilesystem
	}
	fs.nFATEnt = nclst + 2
	fs.volbase = bsect
	fs.fatbase = bsect + nrsv
	fs.database = bsect + sysect
	var needed uint32 // bytes of FAT the clusters need
	if kindFAT == fat32 {
		if binary.LittleEndian.Uint16(w[42:]) != 0 || fs.nRootDir != 0 {
			return frNoFilesystem
		}
		fs.dirbase = binary.LittleEndian.Uint32(w[44:])
		needed = fs.nFATEnt * 4
	} else {
		if fs.nRootDir == 0 {
			return frNoFilesystem
		}
		fs.dirbase = fs.fatbase + fasize
		if kindFAT == fat16 {
			needed = fs.nFATEnt * 2
		} else {
			needed = fs.nFATEnt*3/2 + fs.nFATEnt&1
		}
	}
	if fs.fsize < (needed+sectorSize-1)/sectorSize {
		return frNoFilesystem
	}

	fs.lastClst, fs.freeClst = 0xFFFFFFFF, 0xFFFFFFFF
	fs.fsiFlag = fsinfoDisabled
	if kindFAT == fat32 && binary.LittleEndian.Uint16(w[48:]) == 1 && fs.moveWindow(bsect+1) == frOK {
		fs.fsiFlag = 0
		if binary.LittleEndian.Uint16(w[510:]) == 0xAA55 &&
			binary.LittleEndian.Uint32(w[0:]) == 0x41615252 &&
			binary.LittleEndian.Uint32(w[484:]) == 0x61417272 {
			fs.freeClst = binary.LittleEndian.Uint32(w[488:])
			fs.lastClst = binary.LittleEndian.Uint32(w[492:])
		}
	}
	fs.fsType = kindFAT
	fs.host.mountID++
	fs.id = fs.host.mountID
	return frOK
}
