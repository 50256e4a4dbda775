package fat

import "encoding/binary"

// mkfs formats the volume as FatFs's f_mkfs does with fwup's parameters:
// no partition table (FM_SFD), FAT12/16 or FAT32 (no exFAT), two FATs,
// 512 root entries, one 512-byte sector per cluster, no data alignment
// (fwup's disk layer reports a 128 KiB erase block, which FatFs rejects
// as too large, so it aligns to 1 sector).
//
// With one sector per cluster the FAT type follows from the size alone:
// up to 4085 sectors FAT12; else FAT16 if the clusters fit, else FAT32,
// which needs more than 65525 clusters. Sizes in between, and below 128
// sectors, are refused with frMkfsAborted.
//
// Only the boot sector (and on FAT32 its backup, FSINFO and its backup),
// both FATs and the root directory are written; the data area is left as
// it is (fwup trims it in its cache first).
func (fs *volume) mkfs() result {
	fs.fsType = 0 // the volume must be mounted afresh
	const (
		nFATs  = 2
		nRoot  = 512
		pau    = 1 // sectors per cluster
		rootSz = nRoot * dirEntrySize / sectorSize
	)
	szVol := fs.nSectors
	if szVol < 128 {
		return frMkfsAborted
	}
	vsn := szVol + fatTime // the volume serial: size plus the fixed time

	kind := fat16
	var nClst, szFAT, szRsv, szDir uint32
	for {
		if kind == fat32 {
			nClst = szVol / pau
			szFAT = (nClst*4 + 8 + sectorSize - 1) / sectorSize
			szRsv, szDir = 32, 0
			if nClst <= maxFAT16 || nClst > maxFAT32 {
				return frMkfsAborted
			}
		} else {
			nClst = szVol / pau
			var n uint32 // FAT size in bytes
			if nClst > maxFAT12 {
				n = nClst*2 + 4
			} else {
				kind = fat12
				n = (nClst*3+1)/2 + 3
			}
			szFAT = (n + sectorSize - 1) / sectorSize
			szRsv, szDir = 1, rootSz
		}
		bData := szRsv + szFAT*nFATs + szDir
		if szVol < bData+pau*16 {
			return frMkfsAborted
		}
		nClst = (szVol - szRsv - szFAT*nFATs - szDir) / pau
		if kind == fat32 && nClst <= maxFAT16 {
			return frMkfsAborted
		}
		if kind == fat16 {
			if nClst > maxFAT16 {
				kind = fat32 // too many clusters for FAT16: try FAT32
				continue
			}
			if nClst <= maxFAT12 {
				return frMkfsAborted
			}
		}
		if kind == fat12 && nClst > maxFAT12 {
			return frMkfsAborted
		}
		break
	}

	var buf [sectorSize]byte
	b := buf[:]
	copy(b, "\xEB\xFE\x90MSDOS5.0")
	le := binary.LittleEndian
	le.PutUint16(b[11:], sectorSize)
	b[13] = pau
	le.PutUint16(b[14:], uint16(szRsv))
	b[16] = nFATs
	if kind != fat32 {
		le.PutUint16(b[17:], nRoot)
	}
	if szVol < 0x10000 {
		le.PutUint16(b[19:], uint16(szVol))
	} else {
		le.PutUint32(b[32:], szVol)
	}
	b[21] = 0xF8 // media: fixed disk
	le.PutUint16(b[24:], 63)
	le.PutUint16(b[26:], 255)
	if kind == fat32 {
		le.PutUint32(b[67:], vsn)
		le.PutUint32(b[36:], szFAT)
		le.PutUint32(b[44:], 2) // root directory cluster
		le.PutUint16(b[48:], 1) // FSINFO sector
		le.PutUint16(b[50:], 6) // backup boot sector
		b[64] = 0x80
		b[66] = 0x29
		copy(b[71:], "NO NAME    FAT32   ")
	} else {
		le.PutUint32(b[39:], vsn)
		le.PutUint16(b[22:], uint16(szFAT))
		b[36] = 0x80
		b[38] = 0x29
		// fwup's patch: U-Boot wants "FAT12"/"FAT16" here, not FatFs's "FAT".
		if kind == fat12 {
			copy(b[43:], "NO NAME    FAT12   ")
		} else {
			copy(b[43:], "NO NAME    FAT16   ")
		}
	}
	le.PutUint16(b[510:], 0xAA55)
	if !fs.diskWrite(b, 0) {
		return frDiskErr
	}

	if kind == fat32 {
		fs.diskWrite(b, 6) // FatFs ignores failures of these three
		clear(b)
		putFSInfo(b, nClst-1, 2)
		fs.diskWrite(b, 7)
		fs.diskWrite(b, 1)
	}

	sect := szRsv
	for range nFATs {
		clear(b)
		if kind == fat32 {
			le.PutUint32(b[0:], 0xFFFFFFF8)
			le.PutUint32(b[4:], 0xFFFFFFFF)
			le.PutUint32(b[8:], 0x0FFFFFFF) // the root directory's cluster
		} else if kind == fat12 {
			le.PutUint32(b[0:], 0xFFFFF8)
		} else {
			le.PutUint32(b[0:], 0xFFFFFFF8)
		}
		for range szFAT {
			if !fs.diskWrite(b, sect) {
				return frDiskErr
			}
			clear(b)
			sect++
		}
	}

	rootSectors := szDir
	if kind == fat32 {
		rootSectors = pau
	}
	for range rootSectors {
		if !fs.diskWrite(b, sect) {
			return frDiskErr
		}
		sect++
	}
	return frOK
}
