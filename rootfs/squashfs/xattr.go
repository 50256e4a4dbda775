package squashfs

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// Name prefixes SquashFS can store, by their type codes.
var xattrPrefixes = []string{"user.", "trusted.", "security."}

const (
	maxXattrNameLen  = 255     // XATTR_NAME_MAX
	maxXattrValueLen = 1 << 16 // XATTR_SIZE_MAX
)

// xattrTable stores extended attributes: each distinct set once, as a
// list of name/value entries in a metadata table, and an id table that
// inodes index, giving each set's position, count and size.
type xattrTable struct {
	entries *metadataStream
	ids     []byte
	count   uint32
	bySet   map[string]uint32
}

func newXattrTable(comp compressor) *xattrTable {
	return &xattrTable{entries: newMetadataStream(comp), bySet: make(map[string]uint32)}
}

// add returns the id of a set of attributes, noXattrs for none.
func (x *xattrTable) add(attrs map[string][]byte) (uint32, error) {
	if len(attrs) == 0 {
		return noXattrs, nil
	}
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	slices.Sort(names)
	var set []byte
	var size uint32
	for _, name := range names {
		value := attrs[name]
		prefix := slices.IndexFunc(xattrPrefixes, func(p string) bool { return strings.HasPrefix(name, p) })
		if prefix < 0 {
			return 0, fmt.Errorf("extended attribute %q: SquashFS stores only user., trusted. and security. attributes", name)
		}
		suffix := name[len(xattrPrefixes[prefix]):]
		switch {
		case suffix == "":
			return 0, fmt.Errorf("extended attribute %q has no name after its prefix", name)
		case len(name) > maxXattrNameLen:
			return 0, fmt.Errorf("extended attribute %q: name longer than %d bytes", name, maxXattrNameLen)
		case len(value) > maxXattrValueLen:
			return 0, fmt.Errorf("extended attribute %q: value of %d bytes, more than %d", name, len(value), maxXattrValueLen)
		}
		// Values are always stored inline; out-of-line values only save
		// space when large values repeat across different sets.
		set = binary.LittleEndian.AppendUint16(set, uint16(prefix))
		set = binary.LittleEndian.AppendUint16(set, uint16(len(suffix)))
		set = append(set, suffix...)
		set = binary.LittleEndian.AppendUint32(set, uint32(len(value)))
		set = append(set, value...)
		// What listxattr and getxattr need: the names with their NULs and
		// the values.
		size += uint32(len(name) + 1 + len(value))
	}
	if id, ok := x.bySet[string(set)]; ok {
		return id, nil
	}
	id := x.count
	x.ids = binary.LittleEndian.AppendUint64(x.ids, x.entries.ref())
	x.ids = binary.LittleEndian.AppendUint32(x.ids, uint32(len(names)))
	x.ids = binary.LittleEndian.AppendUint32(x.ids, size)
	if err := x.entries.write(set); err != nil {
		return 0, err
	}
	x.count++
	x.bySet[string(set)] = id
	return id, nil
}

// write puts the tables in the image and returns the position the
// superblock records, noTable if there are no attributes.
func (x *xattrTable) write(iw *imageWriter, comp compressor) (uint64, error) {
	if x.count == 0 {
		return noTable, nil
	}
	entries, err := x.entries.bytes()
	if err != nil {
		return 0, err
	}
	entriesStart := iw.pos
	if err := iw.write(entries); err != nil {
		return 0, err
	}
	header := binary.LittleEndian.AppendUint64(nil, entriesStart)
	header = binary.LittleEndian.AppendUint32(header, x.count)
	header = binary.LittleEndian.AppendUint32(header, 0)
	return iw.writeIndexedTable(x.ids, header, comp)
}
