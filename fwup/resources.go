package fwup

import (
	"hash/crc32"
	"io"
	"slices"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/meta"
)

// streamResources adds the resources deflated as they are read, in order:
// fwup mode, which deflates every resource, as fwup.
func streamResources(zw *archive.Writer, resources []*Resource, deflate deflater) error {
	for _, res := range resources {
		err := zw.WriteDeflated(archive.Entry{Name: meta.EntryName(res.Name)}, res.DataSize(), func(dst io.Writer) (archive.Deflated, error) {
			return res.deflateChecked(dst, deflate)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// writeResources adds the resources in order, each deflated, or stored
// when deflate saves less than 1% of it (a SquashFS image, a gzipped
// kernel): the .fw is no larger and applying it is a copy. To decide, the
// deflated stream is spooled (in memory when small, else to a temporary
// file), so a resource is deflated once. (Deflating the next resource
// while one was written made builds no faster: the chunks of one keep
// the cores busy, and the memory of two cost page faults.) A resource
// read whole from a host path in store is stored without trying.
func writeResources(zw *archive.Writer, resources []*Resource, deflate deflater, level int, pre *Predeflater, store []string) error {
	for _, res := range resources {
		if p := res.hostPath(); p != "" && slices.Contains(store, p) {
			if err := writeStored(zw, res); err != nil {
				return err
			}
			continue
		}
		sp := pre.take(res, level)
		if sp == nil {
			var err error
			if sp, err = spoolDeflated(res, deflate); err != nil {
				return err
			}
		}
		err := writeSpooled(zw, res, sp)
		sp.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// spoolDeflated deflates res into a spool.
func spoolDeflated(res *Resource, deflate deflater) (*deflatedSpool, error) {
	sp, err := newDeflatedSpool(res.DataSize())
	if err != nil {
		return nil, err
	}
	if _, err := res.deflateChecked(sp, deflate); err != nil {
		sp.Close()
		return nil, err
	}
	return sp, nil
}

// writeSpooled adds res from its deflated spool, or stored.
func writeSpooled(zw *archive.Writer, res *Resource, sp *deflatedSpool) error {
	name := meta.EntryName(res.Name)
	size := res.DataSize()
	if csize := sp.Size(); size-csize >= size/100 && size/100 > 0 {
		return zw.WriteDeflated(archive.Entry{Name: name}, size, func(dst io.Writer) (archive.Deflated, error) {
			return archive.Deflated{CRC: res.CRC, Size: size}, sp.CopyTo(dst)
		})
	}
	return writeStored(zw, res)
}

// writeStored adds res stored. WriteStoredFrom compares the CRC-32 with
// the one Prepare took.
func writeStored(zw *archive.Writer, res *Resource) error {
	return zw.WriteStoredFrom(archive.Entry{Name: meta.EntryName(res.Name)}, res.DataSize(), res.CRC, func(dst io.Writer) (archive.Deflated, error) {
		return res.deflateChecked(dst, copyCRC)
	})
}

// copyCRC is the deflater of a stored entry: a copy, with its CRC-32.
func copyCRC(dst io.Writer, src io.Reader) (archive.Deflated, error) {
	crc := crc32.NewIEEE()
	n, err := io.Copy(io.MultiWriter(dst, crc), src)
	return archive.Deflated{CRC: crc.Sum32(), Size: n}, err
}
