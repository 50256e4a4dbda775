package ext4

import "fmt"

// Inline data (the inline_data feature): a small file's or directory's
// bytes are in i_block and continue in the system.data xattr, so that it
// takes no block. A directory's first four inline bytes are its parent's
// inode number (its ".."); the rest of i_block and the xattr value are
// two separate areas of directory entries.
const inlineDotDot = 4

// inlineBytes returns an inline file's contents.
func (f *fsys) inlineBytes(in *inode, extra []byte) ([]byte, error) {
	if err := f.checkInline(extra); err != nil {
		return nil, err
	}
	if have := uint64(iBlockSize + len(extra)); in.size > have {
		return nil, fmt.Errorf("inline file of %d bytes, but only %d bytes are inline", in.size, have)
	}
	data := append(append(make([]byte, 0, iBlockSize+len(extra)), in.block[:]...), extra...)
	return data[:in.size], nil
}

// inlineDir returns the directory entries of an inline directory.
func (f *fsys) inlineDir(in *inode, extra []byte) ([]dirent, error) {
	if err := f.checkInline(extra); err != nil {
		return nil, err
	}
	ents, err := f.dirents(in.block[inlineDotDot:], nil)
	if err != nil {
		return nil, fmt.Errorf("inline directory: %w", err)
	}
	if len(extra) > 0 {
		if ents, err = f.dirents(extra, ents); err != nil {
			return nil, fmt.Errorf("inline directory, in system.data: %w", err)
		}
	}
	return ents, nil
}

// checkInline checks that an inline inode may be one: the filesystem
// has the feature and the inode its system.data.
func (f *fsys) checkInline(extra []byte) error {
	if f.sb.incompat&incompatInlineData == 0 {
		return fmt.Errorf("inline data, but the filesystem lacks the inline_data feature")
	}
	if extra == nil {
		return fmt.Errorf("inline data without its system.data attribute")
	}
	return nil
}
