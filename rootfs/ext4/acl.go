package ext4

import (
	"encoding/binary"
	"fmt"
)

// POSIX ACLs are stored in a compact form of ext4's own (version 1, the
// owner, group, mask and other entries without an id), while getxattr,
// and so tar --xattrs and mke2fs -d, see the VFS form (version 2, every
// entry with an id). The kernel and e2fsprogs convert between them; so
// does the reader, for an ACL to read back as it was written.
const (
	aclDiskVersion  = 1
	aclXattrVersion = 2
	aclUndefinedID  = 0xFFFFFFFF

	aclUserObj  = 0x01
	aclUser     = 0x02
	aclGroupObj = 0x04
	aclGroup    = 0x08
	aclMask     = 0x10
	aclOther    = 0x20
)

// aclToXattr converts an ACL from its disk form to getxattr's.
func aclToXattr(b []byte) ([]byte, error) {
	le := binary.LittleEndian
	if len(b) < 4 || le.Uint32(b) != aclDiskVersion {
		return nil, fmt.Errorf("ACL without its version %d header", aclDiskVersion)
	}
	// Entries grow from 4 bytes to 8 at most: bounded by the value's size.
	out := le.AppendUint32(make([]byte, 0, 2*len(b)), aclXattrVersion)
	for off := 4; off < len(b); {
		if off+4 > len(b) {
			return nil, fmt.Errorf("ACL entry at %d cut short", off)
		}
		tag, perm, id := le.Uint16(b[off:]), le.Uint16(b[off+2:]), uint32(aclUndefinedID)
		switch tag {
		case aclUserObj, aclGroupObj, aclMask, aclOther:
			off += 4
		case aclUser, aclGroup:
			if off+8 > len(b) {
				return nil, fmt.Errorf("ACL entry at %d cut short", off)
			}
			id = le.Uint32(b[off+4:])
			off += 8
		default:
			return nil, fmt.Errorf("ACL entry at %d with unknown tag %#x", off, tag)
		}
		out = le.AppendUint32(le.AppendUint16(le.AppendUint16(out, tag), perm), id)
	}
	return out, nil
}
