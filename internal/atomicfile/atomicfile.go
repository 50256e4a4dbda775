package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// File is an output being written under a temporary name in its
// directory. Commit puts it in place; Abort, or any error of Commit,
// removes it. Its errors name the path the caller gave, never the
// temporary name.
type File struct {
	*os.File
	path string
	mode os.FileMode
	done bool
}

// Create starts the file that Commit will put at path with mode.
func Create(path string, mode os.FileMode) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &os.PathError{Op: "create", Path: path, Err: pe.Err}
		}
		return nil, err
	}
	return &File{File: f, path: path, mode: mode}, nil
}

// Path is where the file goes.
func (f *File) Path() string { return f.path }

// Commit syncs the file and renames it into place.
func (f *File) Commit() error { return CommitAll(f) }

// CommitAll commits files, syncing them all at once (an fsync waits on
// the disk, and two in turn wait twice as long), then renaming each into
// place in order. If a sync fails none is renamed and all are removed;
// if a rename fails, that file and those after it are removed.
func CommitAll(files ...*File) error {
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() { errs[i] = f.finish() })
	}
	wg.Wait()
	for i, f := range files {
		if errs[i] != nil {
			for _, g := range files {
				g.Abort()
			}
			return f.Named(errs[i])
		}
	}
	for i, f := range files {
		if err := os.Rename(f.Name(), f.path); err != nil {
			for _, g := range files[i:] {
				g.Abort()
			}
			return f.Named(err)
		}
		f.done = true
	}
	return nil
}

// finish sets the file's mode, syncs and closes it.
func (f *File) finish() error {
	if f.done {
		return errors.New(f.path + ": already committed or aborted")
	}
	err := f.Chmod(f.mode)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.File.Close()
	}
	return err
}

// Abort removes the file; after Commit it does nothing.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.Name())
}

// Named is err with the temporary name replaced by the file's path.
func (f *File) Named(err error) error {
	if err == nil || !strings.Contains(err.Error(), f.Name()) {
		return err
	}
	return &renamed{err: err, old: f.Name(), new: f.path}
}

// renamed is an error whose text names a path in place of another.
type renamed struct {
	err      error
	old, new string
}

func (e *renamed) Error() string { return strings.ReplaceAll(e.err.Error(), e.old, e.new) }
func (e *renamed) Unwrap() error { return e.err }

// Write creates path with the given mode from what fill writes (fill's
// writer is the *os.File). On any error the temporary file is removed and
// path is left as it was.
func Write(path string, mode os.FileMode, fill func(w io.Writer) error) error {
	f, err := Create(path, mode)
	if err != nil {
		return err
	}
	if err := fill(f.File); err != nil {
		f.Abort()
		return f.Named(err)
	}
	return f.Commit()
}
