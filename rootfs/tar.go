package rootfs

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// FromTar reads a tar archive (Buildroot's rootfs.tar): plain, or
// compressed with gzip, zstd, bzip2, xz or lz4, detected by magic bytes.
// A compressed archive is decompressed once into a temporary file in
// tmpDir, which Entry.Open then reads; tmpDir must outlive the Tree and is
// the caller's to remove. A plain archive is read in place and tmpDir is
// not used. Contents are never held in memory.
//
// Kept: uid/gid, permissions with setuid/setgid/sticky, mtimes, symlinks,
// hard links, device numbers, fifos, and extended attributes from PAX
// records (SCHILY.xattr.*, as GNU tar --xattrs and bsdtar write them).
// Sparse members are refused. See build.go for the rules every reader
// follows (synthesized root and parents, duplicates, hard links).
func FromTar(path, tmpDir string) (*Tree, error) {
	src, err := OpenArchive(path, tmpDir)
	if err != nil {
		return nil, err
	}
	return ReadTar(src)
}

// ReadTar reads a tar archive's uncompressed bytes into a Tree.
func ReadTar(src Source) (*Tree, error) {
	ra, c, err := src.ReaderAt()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	// A SectionReader seeks, so tar skips contents instead of reading
	// them, and its position after Next is where the contents start.
	sr := io.NewSectionReader(ra, 0, math.MaxInt64)
	tr := tar.NewReader(sr)
	b := NewBuilder(src.Name)
	last := "(none)"
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: reading the tar header after entry %s: %w", src.Name, last, err)
		}
		last = h.Name
		off, err := sr.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, err
		}
		e, err := tarEntry(b, h)
		if err != nil {
			return nil, err
		}
		if e.Kind == File {
			e.Open = src.Opener(off, h.Size)
		}
		b.Add(e)
	}
	return b.Tree()
}

func tarEntry(b *Builder, h *tar.Header) (*Entry, error) {
	e := &Entry{
		Path:    Clean(h.Name),
		Mode:    PermFromUnix(uint32(h.Mode & 0o7777)),
		ModTime: h.ModTime.UTC(),
	}
	if h.Uid < 0 || int64(h.Uid) > math.MaxUint32 || h.Gid < 0 || int64(h.Gid) > math.MaxUint32 {
		return nil, b.Errorf(h.Name, "uid %d or gid %d out of range", h.Uid, h.Gid)
	}
	e.UID, e.GID = uint32(h.Uid), uint32(h.Gid)
	for k, v := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return nil, b.Errorf(h.Name, "sparse files are not supported")
		}
		if name, ok := strings.CutPrefix(k, "SCHILY.xattr."); ok {
			if e.Xattrs == nil {
				e.Xattrs = map[string][]byte{}
			}
			e.Xattrs[name] = []byte(v)
		}
	}
	switch h.Typeflag {
	case tar.TypeReg, '\x00', tar.TypeCont:
		e.Kind, e.Size = File, h.Size
		if strings.HasSuffix(h.Name, "/") {
			return nil, b.Errorf(h.Name, "regular file with a directory name")
		}
	case tar.TypeDir:
		e.Kind = Dir
	case tar.TypeSymlink:
		e.Kind, e.Link = Symlink, h.Linkname
		if h.Linkname == "" {
			return nil, b.Errorf(h.Name, "symlink with an empty target")
		}
	case tar.TypeLink:
		e.Kind, e.Link = Hardlink, Clean(h.Linkname)
	case tar.TypeChar, tar.TypeBlock:
		e.Kind = CharDevice
		if h.Typeflag == tar.TypeBlock {
			e.Kind = BlockDevice
		}
		if h.Devmajor < 0 || h.Devmajor > math.MaxUint32 || h.Devminor < 0 || h.Devminor > math.MaxUint32 {
			return nil, b.Errorf(h.Name, "device number %d,%d out of range", h.Devmajor, h.Devminor)
		}
		e.DevMajor, e.DevMinor = uint32(h.Devmajor), uint32(h.Devminor)
	case tar.TypeFifo:
		e.Kind = FIFO
	case tar.TypeGNUSparse:
		return nil, b.Errorf(h.Name, "sparse files are not supported")
	default:
		return nil, b.Errorf(h.Name, "unsupported tar type %q", h.Typeflag)
	}
	return e, nil
}
