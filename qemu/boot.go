package qemu

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/firmwright/firmwright/fwup/fat"
	"github.com/firmwright/firmwright/fwup/mbr"
)

// File names looked for in the root of the boot partition, in order.
var (
	KernelNames    = []string{"Image", "kernel8.img"}
	InitramfsNames = []string{"initramfs.cpio.gz", "initramfs", "initrd.img"}
)

// CmdlineName is the file holding the kernel command line.
const CmdlineName = "cmdline.txt"

// Boot is what the active boot partition of an image holds.
type Boot struct {
	// Partition is the partition's number (1-4: MBR entry + 1, as Linux
	// counts), BlockOffset its start in 512-byte blocks and Label its FAT
	// volume label ("" when it has none).
	Partition   int
	BlockOffset int64
	Label       string
	// KernelName and InitramfsName are the files the kernel and initramfs
	// were read from; InitramfsName is "" (and Initramfs nil) when the
	// partition has none.
	KernelName, InitramfsName string
	Kernel, Initramfs         []byte
	// Cmdline is cmdline.txt on one line, "" when there is none.
	Cmdline string
	// DeviceTreeName and DeviceTree are the device tree given to the
	// kernel (raspi3b only; virt makes its own).
	DeviceTreeName string
	DeviceTree     []byte
	// Tryboot says the Pi firmware's one-shot tryboot flag was set.
	Tryboot bool
}

// Where describes the partition for messages: "partition 1 (BOOT-A, block 2048)".
func (b *Boot) Where() string {
	where := fmt.Sprintf("partition %d (block %d)", b.Partition, b.BlockOffset)
	if b.Label != "" {
		where = fmt.Sprintf("partition %d (%s, block %d)", b.Partition, b.Label, b.BlockOffset)
	}
	if b.Tryboot {
		where += " on a tryboot"
	}
	return where
}

// ReadBoot is BootFiles on the image file at path; errors name the file.
func ReadBoot(path string) (*Boot, error) {
	return readImage(path, BootFiles)
}

// readImage runs read on the image file at path; errors name the file.
func readImage(path string, read func(io.ReaderAt) (*Boot, error)) (*Boot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// readMBR decodes the MBR of the disk image r.
func readMBR(r io.ReaderAt) (*mbr.Table, error) {
	var block [mbr.BlockSize]byte
	n, err := r.ReadAt(block[:], 0)
	if n < len(block) {
		if err != nil && err != io.EOF {
			return nil, err
		}
		return nil, fmt.Errorf("only %d bytes, too short for an MBR: not a disk image", n)
	}
	if string(block[:4]) == "PK\x03\x04" {
		return nil, errors.New("a .fw archive, not a disk image: make one with `firmwright image -o FILE.img FILE.fw`")
	}
	table, err := mbr.Decode(block)
	if err != nil {
		return nil, errors.New("no MBR signature (0x55AA) at byte 510: not a disk image")
	}
	return table, nil
}

// BootFiles reads the boot files of the disk image r: the first partition
// of its MBR that has the boot flag and is a FAT holding a kernel.
func BootFiles(r io.ReaderAt) (*Boot, error) {
	table, err := readMBR(r)
	if err != nil {
		return nil, err
	}
	var used, problems []string
	for i, p := range table.Partitions[:mbr.MaxPrimary] {
		if p.Type == 0 {
			continue
		}
		used = append(used, fmt.Sprintf("%d: type 0x%02x at block %d", i+1, p.Type, p.BlockOffset))
		if !p.Boot {
			continue
		}
		b, err := bootPartition(r, i+1, int64(p.BlockOffset))
		if err == nil {
			return b, nil
		}
		problems = append(problems, fmt.Sprintf("bootable partition %d (type 0x%02x at block %d): %v", i+1, p.Type, p.BlockOffset, err))
	}
	switch {
	case len(used) == 0:
		return nil, errors.New("the MBR has no partitions")
	case len(problems) == 0:
		return nil, fmt.Errorf("no partition has the boot flag (partitions %s)", strings.Join(used, ", "))
	}
	return nil, errors.New(strings.Join(problems, "; "))
}

// bootPartition reads the boot files of the partition at offset.
func bootPartition(r io.ReaderAt, number int, offset int64) (*Boot, error) {
	part, err := openFAT(r, offset)
	if err != nil {
		return nil, err
	}
	b := &Boot{Partition: number, BlockOffset: offset, Label: part.label}
	if b.KernelName = first(part.root, KernelNames); b.KernelName == "" {
		return nil, fmt.Errorf("no kernel (%s) on the FAT filesystem; it has %s", strings.Join(KernelNames, " or "), listing(part.root))
	}
	if b.Kernel, err = part.read(b.KernelName); err != nil {
		return nil, err
	}
	if b.InitramfsName = first(part.root, InitramfsNames); b.InitramfsName != "" {
		if b.Initramfs, err = part.read(b.InitramfsName); err != nil {
			return nil, err
		}
	}
	if first(part.root, []string{CmdlineName}) != "" {
		text, err := part.read(CmdlineName)
		if err != nil {
			return nil, err
		}
		b.Cmdline = strings.Join(strings.Fields(string(text)), " ")
	}
	return b, nil
}

// fatPart is a FAT filesystem of the image, its root directory read.
type fatPart struct {
	vols   *fat.Volumes
	offset int64
	label  string
	root   []fat.DirEntry
}

// openFAT reads the root directory of the FAT filesystem at offset.
func openFAT(r io.ReaderAt, offset int64) (*fatPart, error) {
	vols := fat.NewVolumes(readOnly{r})
	root, err := vols.ReadDir(offset, "")
	if errors.Is(err, fat.ErrNoFilesystem) {
		return nil, errors.New("not a FAT filesystem")
	}
	if err != nil {
		return nil, err
	}
	label, err := vols.Label(offset)
	if err != nil {
		return nil, err
	}
	return &fatPart{vols: vols, offset: offset, label: label, root: root}, nil
}

// read returns the file of the root directory named name (in any case).
func (p *fatPart) read(name string) ([]byte, error) {
	e := lookup(p.root, name)
	if e.Name == "" {
		return nil, fmt.Errorf("no %s on the FAT filesystem; it has %s", name, listing(p.root))
	}
	data := make([]byte, e.Size+1) // one more, to see that it ends there
	n, err := p.vols.PRead(p.offset, e.Name, 0, data)
	if err != nil {
		return nil, err
	}
	if int64(n) != e.Size {
		return nil, fmt.Errorf("%s: read %d bytes, its directory entry says %d", e.Name, n, e.Size)
	}
	return data[:n], nil
}

// lookup finds a file of a directory by name, without regard to case as
// FAT does.
func lookup(dir []fat.DirEntry, name string) fat.DirEntry {
	for _, e := range dir {
		if !e.Dir && strings.EqualFold(e.Name, name) {
			return e
		}
	}
	return fat.DirEntry{}
}

// first returns the stored name of the first of names that is a file of
// the directory, or "".
func first(dir []fat.DirEntry, names []string) string {
	for _, n := range names {
		if e := lookup(dir, n); e.Name != "" {
			return e.Name
		}
	}
	return ""
}

// listing names a directory's entries for messages, directories with a
// trailing slash.
func listing(dir []fat.DirEntry) string {
	if len(dir) == 0 {
		return "nothing"
	}
	names := make([]string, len(dir))
	for i, e := range dir {
		names[i] = e.Name
		if e.Dir {
			names[i] += "/"
		}
	}
	return strings.Join(names, ", ")
}

// readOnly is the image as a fat.Device: reads past its end are zeros,
// as in fwup's cache, and writes fail.
type readOnly struct{ r io.ReaderAt }

func (d readOnly) ReadAt(p []byte, off int64) (int, error) {
	n, err := d.r.ReadAt(p, off)
	if err == io.EOF {
		clear(p[n:])
		return len(p), nil
	}
	return n, err
}

func (readOnly) WriteAt([]byte, int64) (int, error) {
	return 0, errors.New("the image is opened read-only")
}

// Complete makes the image file at path at least as long as its MBR's
// primary partitions reach, extending it with a hole if needed, and
// returns its new size, or 0 when it was long enough. An image made from
// a .fw ends where the last write did, often inside the last partition,
// and the guest sees a disk only as large as the file.
func Complete(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0, err
	}
	end, err := partitionsEnd(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	if end <= st.Size() {
		return 0, nil
	}
	if err := f.Truncate(end); err != nil {
		return 0, err
	}
	return end, f.Close()
}

// partitionsEnd is where the last of the MBR's primary partitions ends,
// in bytes.
func partitionsEnd(r io.ReaderAt) (int64, error) {
	table, err := readMBR(r)
	if err != nil {
		return 0, err
	}
	var end int64
	for _, p := range table.Partitions[:mbr.MaxPrimary] {
		if p.Type != 0 {
			end = max(end, (int64(p.BlockOffset)+int64(p.BlockCount))*mbr.BlockSize)
		}
	}
	return end, nil
}
