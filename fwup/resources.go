package fwup

import (
	"hash/crc32"
	"io"

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
// the cores busy, and the memory of two cost page faults.)
func writeResources(zw *archive.Writer, resources []*Resource, deflate deflater, level int, pre *Predeflater) error {
	for _, res := range resources {
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
	// WriteStoredFrom compares the CRC-32 with the one Prepare took.
	return zw.WriteStoredFrom(archive.Entry{Name: name}, size, res.CRC, func(dst io.Writer) (archive.Deflated, error) {
		src := res.Open()
		defer src.Close()
		crc := crc32.NewIEEE()
		n, err := io.Copy(io.MultiWriter(dst, crc), src)
		return archive.Deflated{CRC: crc.Sum32(), Size: n}, err
	})
}
