package ext4

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
	"golang.org/x/sys/unix"
)

// vfsACL is an ACL as setxattr takes it: version 2, then tag, perm, id.
func vfsACL(entries ...[3]uint32) []byte {
	le := binary.LittleEndian
	b := le.AppendUint32(nil, aclXattrVersion)
	for _, e := range entries {
		b = le.AppendUint32(le.AppendUint16(le.AppendUint16(b, uint16(e[0])), uint16(e[1])), e[2])
	}
	return b
}

// TestACLs sets POSIX ACLs on host files, has mke2fs -d store them (in
// ext4's compact form) and reads them back: they must be what getxattr
// returned on the host.
func TestACLs(t *testing.T) {
	oracle.Root(t, "setting ACLs")
	dir := t.TempDir()
	f, d := filepath.Join(dir, "f"), filepath.Join(dir, "d")
	os.WriteFile(f, []byte("f"), 0o644)
	os.Mkdir(d, 0o755)
	const u = aclUndefinedID
	access := vfsACL([3]uint32{aclUserObj, 6, u}, [3]uint32{aclUser, 4, 1000}, [3]uint32{aclGroupObj, 4, u},
		[3]uint32{aclGroup, 5, 2000}, [3]uint32{aclMask, 5, u}, [3]uint32{aclOther, 4, u})
	def := vfsACL([3]uint32{aclUserObj, 7, u}, [3]uint32{aclGroupObj, 5, u}, [3]uint32{aclOther, 5, u})
	if err := unix.Setxattr(f, "system.posix_acl_access", access, 0); err != nil {
		oracle.SkipOrFail(t, "the host filesystem takes no ACLs: %v", err)
	}
	if err := unix.Setxattr(d, "system.posix_acl_default", def, 0); err != nil {
		t.Fatal(err)
	}
	tr, err := ReadFile(mkfs(t, dir, "4M", "-t", "ext4"))
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]map[string][]byte{"f": {"system.posix_acl_access": access}, "d": {"system.posix_acl_default": def}} {
		for k, v := range want {
			if got := tr.Lookup(p).Xattrs[k]; !bytes.Equal(got, v) {
				t.Errorf("%s: %s is %x, want %x", p, k, got, v)
			}
		}
	}
}

func TestACLDamaged(t *testing.T) {
	for _, c := range []struct {
		disk []byte
		want string
	}{
		{[]byte{2, 0, 0, 0}, "version"},
		{[]byte{1, 0, 0, 0, 1, 0}, "cut short"},
		{[]byte{1, 0, 0, 0, 2, 0, 4, 0, 1}, "cut short"},
		{[]byte{1, 0, 0, 0, 0x40, 0, 4, 0}, "unknown tag"},
	} {
		if _, err := aclToXattr(c.disk); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%x: got %v, want %q", c.disk, err, c.want)
		}
	}
}
