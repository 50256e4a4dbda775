package mmc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Identity is what tells one card from another in the same reader: taken
// when the user is asked, compared again just before the device is opened
// and on the opened device, so a card swapped in between (or a /dev name
// that now stands for another disk) is not written.
type Identity struct {
	Rdev uint64 // the device number the path stands for (major:minor)
	Size int64  // bytes: sysfs size, or the node's end when sysfs has none
	// Model is the reader's vendor and model, as sysfs reports them.
	Model string
	// Serial is the medium's own identification where sysfs has one: an
	// MMC/SD card's CID or serial, a disk's WWID, a loop device's backing
	// file.
	Serial string
	// DiskSeq is the kernel's disk sequence number (Linux 5.15 and later),
	// which changes whenever the medium changes or a loop device is set up
	// again; "" when the kernel has none.
	DiskSeq string
}

// serialAttrs are the sysfs attributes, relative to the disk's directory,
// that name the medium rather than the reader, in order of preference.
var serialAttrs = []string{"device/cid", "device/serial", "wwid", "device/wwid", "loop/backing_file"}

// ErrNotBlockDevice is returned by Identify for a path that is not a device.
var ErrNotBlockDevice = errors.New("not a block device")

// Identify says which medium path (a device node, or a symlink to one)
// stands for now.
func (s *System) Identify(path string) (Identity, error) {
	ids, err := s.stat(s.path(path))
	if err != nil {
		return Identity{}, err
	}
	if _, ok := ids.blockRdev(); !ok {
		return Identity{}, fmt.Errorf("%s: %w", path, ErrNotBlockDevice)
	}
	id := Identity{Rdev: ids.Rdev, Size: s.seekSize(path)}
	dir, ok := s.blockDir(ids.Rdev)
	if !ok {
		return id, nil
	}
	if blocks, ok := readSysfsNumberAt(filepath.Join(dir, "size")); ok && blocks > 0 {
		id.Size = blocks * blockSize
	}
	id.Model = readModel(dir)
	id.DiskSeq, _ = readSysfsAt(filepath.Join(dir, "diskseq"), 32)
	for _, attr := range serialAttrs {
		if v, ok := readSysfsAt(filepath.Join(dir, attr), 4096); ok && strings.TrimSpace(v) != "" {
			id.Serial = strings.TrimSpace(v)
			break
		}
	}
	return id, nil
}

// readModel is "vendor model" from a disk's sysfs directory.
func readModel(dir string) string {
	var parts []string
	for _, attr := range []string{"vendor", "model"} {
		if v, ok := readSysfsAt(filepath.Join(dir, "device", attr), 64); ok {
			if v = strings.TrimSpace(v); v != "" {
				parts = append(parts, v)
			}
		}
	}
	return strings.Join(parts, " ")
}

// changes words how now differs from id, "" when it is the same medium.
func (id Identity) changes(now Identity) string {
	var diffs []string
	add := func(what, was, is string) {
		if was != is {
			diffs = append(diffs, fmt.Sprintf("%s was %s, now %s", what, orNone(was), orNone(is)))
		}
	}
	add("device number", majMin(id.Rdev), majMin(now.Rdev))
	add("size", fmt.Sprintf("%d bytes", id.Size), fmt.Sprintf("%d bytes", now.Size))
	add("model", quoted(id.Model), quoted(now.Model))
	add("serial", quoted(id.Serial), quoted(now.Serial))
	add("disk sequence number", id.DiskSeq, now.DiskSeq)
	return strings.Join(diffs, "; ")
}

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("%q", s)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// ChangedError is a refusal to write a device that is no longer the medium
// the user chose.
type ChangedError struct {
	Path string
	What string // how it changed
}

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s is not the card that was chosen (%s); nothing was written", e.Path, e.What)
}

// checkIdentity returns a *ChangedError when path no longer stands for the
// medium want, or is gone.
func (s *System) checkIdentity(path string, want Identity) error {
	now, err := s.Identify(path)
	if err != nil {
		what := "it can no longer be examined: " + err.Error()
		if errors.Is(err, os.ErrNotExist) {
			what = "it is gone"
		}
		return &ChangedError{Path: path, What: what}
	}
	if what := want.changes(now); what != "" {
		return &ChangedError{Path: path, What: what}
	}
	return nil
}
