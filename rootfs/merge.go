package rootfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"
)

// ReleasePath is where a Nerves image keeps the OTP release (erlinit's
// default --release-path).
const ReleasePath = "srv/erlang"

// LayerKind is what a layer is, which fixes its place in the merge.
type LayerKind uint8

const (
	// LayerRelease is the OTP release, placed at /srv/erlang.
	LayerRelease LayerKind = iota + 1
	// LayerGenerated is what firmwright writes itself (etc/erlinit.config).
	LayerGenerated
	// LayerOverlay is a user's rootfs overlay.
	LayerOverlay
)

func (k LayerKind) String() string {
	switch k {
	case LayerRelease:
		return "release"
	case LayerGenerated:
		return "generated"
	case LayerOverlay:
		return "overlay"
	}
	return "unknown"
}

// A Layer is a tree laid over the base image by Merge.
type Layer struct {
	// Name names the layer in errors: an overlay's directory, "release".
	Name string
	Kind LayerKind
	// At is where the layer's root goes in the image, a tree path; ""
	// means ReleasePath for a release and the image root otherwise.
	At string
	// Tree is the layer's contents; nil for a layer that only deletes.
	Tree *Tree
	// FillsMountPoints lets the layer put files below the directories a
	// device mounts over (/dev, /tmp, /root…): right for an initramfs,
	// which nothing is mounted over before it runs.
	FillsMountPoints bool
	// Delete removes paths from the image as merged so far (the base and
	// the layers before this one) before Tree is laid on it. Each pattern
	// is matched against whole image paths with path.Match ("etc/init.d",
	// "usr/share/locale/*"; a leading slash is allowed); removing a
	// directory removes everything below it. A pattern that matches
	// nothing is an error, so that a typo does not go unnoticed.
	Delete []string
}

// ReleaseLayer lays an OTP release at /srv/erlang.
func ReleaseLayer(t *Tree) Layer {
	return Layer{Name: "release", Kind: LayerRelease, At: ReleasePath, Tree: t}
}

// OverlayLayer lays a user's overlay, named in errors by name, over the
// image root.
func OverlayLayer(name string, t *Tree) Layer {
	return Layer{Name: name, Kind: LayerOverlay, Tree: t}
}

// Paths of the image's init, which the kernel runs, and of the
// configuration it reads before anything else.
const (
	InitPath          = "sbin/init"
	ErlinitConfigPath = "etc/erlinit.config"
)

// ErlinitLayer is the generated layer holding etc/erlinit.config (mode
// 0644, root-owned, with mtime as its modification time).
func ErlinitLayer(config []byte, mtime time.Time) Layer {
	return GeneratedLayer("generated erlinit.config", mtime, GeneratedFile{Path: ErlinitConfigPath, Data: config, Mode: 0o644})
}

// GeneratedFile is a file or symlink that firmwright writes into the
// image itself.
type GeneratedFile struct {
	Path string
	Mode fs.FileMode
	Data []byte
	// Link, when set, makes the entry a symlink to it (Data is ignored).
	Link string
}

// GeneratedLayer is a generated layer holding files: root-owned, with
// the given mtime, their parent directories synthesized as 0755.
func GeneratedLayer(name string, mtime time.Time, files ...GeneratedFile) Layer {
	b := NewBuilder(name)
	for _, f := range files {
		e := &Entry{Path: f.Path, Kind: File, Mode: f.Mode, ModTime: mtime}
		if f.Link != "" {
			e.Kind, e.Mode, e.Link = Symlink, 0o777, f.Link
		} else {
			data := bytes.Clone(f.Data)
			e.Size = int64(len(data))
			e.Open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		}
		b.Add(e)
	}
	t, err := b.Tree()
	if err != nil {
		panic(err) // paths are the caller's constants
	}
	return Layer{Name: name, Kind: LayerGenerated, Tree: t}
}

// mountPoints are the directories a Nerves device mounts filesystems on;
// anything an overlay put below them would be hidden (Nerves'
// @restricted_fs in lib/mix/tasks/firmware.ex).
var mountPoints = []string{"data", "dev", "proc", "root", "sys", "tmp"}

// Merge lays layers over base, in order, and returns the image. Neither
// base nor the layers are changed: the result holds copies of their
// entries (sharing only the functions that open file contents).
//
// The layers come in Nerves' order (rel2fw.sh): the release, then the
// generated layer, then user overlays in the order given; Merge refuses
// any other order and more than one release. For each layer, its Delete
// patterns are applied first, then its entries are laid on, and for a
// path that is already there:
//
//   - Content comes from the later layer: a file's data, a symlink's
//     target, a device's numbers, the mtime.
//   - A path the base had keeps the base's uid, gid and mode whatever
//     replaces it (and the base's xattrs, such as file capabilities, as
//     the base's inode would keep them under Nerves' cp -Rf), except that
//     a different kind of non-directory (a file over a symlink) brings
//     its own mode, since a symlink's 0777 means nothing for a file.
//     This is merge-squashfs's pseudo file, where the base's line for a
//     path comes first and wins.
//   - Any other path is root:root with the layer's mode bits, whatever
//     uid and gid the layer's tree had (merge-squashfs writes "m <mode>
//     0 0" for every overlay path).
//   - A directory over a directory merges the two: the existing
//     directory keeps its metadata and the layer adds to its contents.
//   - A directory over a non-directory, or a non-directory over a
//     directory, is an error naming both sides (cp -Rf fails the same
//     way); delete the old path with Layer.Delete first to replace it.
//   - Hard links: a name replaced or deleted leaves the other names of
//     its file holding the old contents (the first of them, in tree
//     order, becomes the file); every hard link ends with its file's
//     uid, gid, mode, mtime and xattrs, as names of one inode do.
//
// No layer may put anything below /data, /dev, /proc, /root, /sys or
// /tmp, which the device mounts over (Nerves' prevent_overlay_overwrites!
// in lib/mix/tasks/firmware.ex); an empty directory there is allowed.
// Missing parents of a layer's At are created root:root, mode 0755.
func Merge(base *Tree, layers ...Layer) (*Tree, error) {
	if base == nil || len(base.Entries) == 0 || base.Entries[0].Path != "." {
		return nil, errors.New("merge: the base tree has no root directory")
	}
	if err := checkLayerOrder(layers); err != nil {
		return nil, err
	}
	m := newMerger(base)
	for _, l := range layers {
		if err := m.apply(l); err != nil {
			return nil, err
		}
	}
	return m.tree()
}

func checkLayerOrder(layers []Layer) error {
	var prev *Layer
	releases := 0
	for i := range layers {
		l := &layers[i]
		if l.Kind < LayerRelease || l.Kind > LayerOverlay {
			return fmt.Errorf("merge: layer %s has no kind (LayerRelease, LayerGenerated or LayerOverlay)", l.Name)
		}
		if l.Kind == LayerRelease {
			if releases++; releases > 1 {
				return fmt.Errorf("merge: layer %s is a second release", l.Name)
			}
		}
		if prev != nil && l.Kind < prev.Kind {
			return fmt.Errorf("merge: %s layer %s comes after %s layer %s; the order is the release, the generated layer, then overlays",
				l.Kind, l.Name, prev.Kind, prev.Name)
		}
		prev = l
	}
	return nil
}

type merger struct {
	entries map[string]*Entry
	// fromBase marks the paths the base had (and no Delete removed).
	fromBase map[string]bool
	// origin names the layer that last put each path, for errors; the
	// base's paths are absent.
	origin map[string]string
	// linkers lists the hard links to each file path; stale names are
	// filtered out when it is read.
	linkers map[string][]string
}

// newMerger starts from copies of t's entries.
func newMerger(t *Tree) *merger {
	m := &merger{
		entries:  make(map[string]*Entry, len(t.Entries)),
		fromBase: make(map[string]bool, len(t.Entries)),
		origin:   map[string]string{},
		linkers:  map[string][]string{},
	}
	for _, e := range t.Entries {
		c := copyEntry(e)
		m.entries[c.Path] = c
		m.fromBase[c.Path] = true
		if c.Kind == Hardlink {
			m.linkers[c.Link] = append(m.linkers[c.Link], c.Path)
		}
	}
	return m
}

func (m *merger) originOf(p string) string {
	if o, ok := m.origin[p]; ok {
		return "layer " + o
	}
	return "the base"
}

func (m *merger) apply(l Layer) error {
	for _, pat := range l.Delete {
		if err := m.delete(l.Name, pat); err != nil {
			return err
		}
	}
	if l.Tree == nil {
		return nil
	}
	at := l.At
	if at == "" && l.Kind == LayerRelease {
		at = ReleasePath
	}
	at = Clean(at)
	if len(l.Tree.Entries) == 0 || l.Tree.Entries[0].Path != "." {
		return fmt.Errorf("merge: layer %s: its tree has no root directory", l.Name)
	}
	if !l.FillsMountPoints {
		if err := checkMountPoints(l.Name, at, l.Tree); err != nil {
			return err
		}
	}
	// The parents of at.
	if at != "." {
		var parents []string
		for d := path.Dir(at); d != "."; d = path.Dir(d) {
			parents = append(parents, d)
		}
		for _, d := range slices.Backward(parents) {
			old := m.entries[d]
			if old == nil {
				m.entries[d] = syntheticDir(d)
				m.origin[d] = l.Name
			} else if old.Kind != Dir {
				return fmt.Errorf("merge: layer %s goes at /%s, but /%s in %s is a %s, not a directory",
					l.Name, at, d, m.originOf(d), old.Kind)
			}
		}
	}
	for _, e := range l.Tree.Entries {
		ne := copyEntry(e)
		ne.Path = joinAt(at, e.Path)
		if ne.Kind == Hardlink {
			ne.Link = joinAt(at, e.Link)
		}
		if err := m.put(l.Name, ne); err != nil {
			return err
		}
	}
	return nil
}

func joinAt(at, p string) string {
	if p == "." {
		return at
	}
	if at == "." {
		return p
	}
	return at + "/" + p
}

// put lays one layer entry on the image.
func (m *merger) put(layer string, ne *Entry) error {
	p := ne.Path
	old := m.entries[p]
	switch {
	case old == nil:
		ne.UID, ne.GID = 0, 0
	case old.Kind == Dir && ne.Kind == Dir:
		return nil // the existing directory keeps its metadata
	case old.Kind == Dir || ne.Kind == Dir:
		return fmt.Errorf("merge: layer %s has a %s at /%s, where %s has a %s; delete /%s first (Layer.Delete) to replace it",
			layer, ne.Kind, p, m.originOf(p), old.Kind, p)
	default:
		if old.Kind == File {
			m.detach(p, old, nil)
		}
		if m.fromBase[p] {
			ne.UID, ne.GID, ne.Xattrs = old.UID, old.GID, old.Xattrs
			if regular(old.Kind) == regular(ne.Kind) {
				ne.Mode = old.Mode
			}
		} else {
			ne.UID, ne.GID = 0, 0
		}
	}
	m.entries[p] = ne
	m.origin[p] = layer
	if ne.Kind == Hardlink {
		m.linkers[ne.Link] = append(m.linkers[ne.Link], p)
	}
	return nil
}

// regular folds a hard link into the file kind it names.
func regular(k Kind) Kind {
	if k == Hardlink {
		return File
	}
	return k
}

// detach is called when the file at p (old) is replaced or deleted: the
// hard links to it that survive (not in removed) keep its contents, the
// first of them in tree order becoming the file.
func (m *merger) detach(p string, old *Entry, removed map[string]bool) {
	var live []string
	for _, l := range m.linkers[p] {
		if e := m.entries[l]; e != nil && !removed[l] && e.Kind == Hardlink && e.Link == p && !slices.Contains(live, l) {
			live = append(live, l)
		}
	}
	delete(m.linkers, p)
	if len(live) == 0 {
		return
	}
	slices.SortFunc(live, Compare)
	first := *old
	first.Path = live[0]
	m.entries[live[0]] = &first
	for _, l := range live[1:] {
		m.entries[l].Link = live[0]
	}
	m.linkers[live[0]] = live[1:]
}

// delete applies one Delete pattern.
func (m *merger) delete(layer, pat string) error {
	pat = strings.TrimPrefix(pat, "/")
	if _, err := path.Match(pat, ""); err != nil || pat == "" || Clean(pat) == "." {
		return fmt.Errorf("merge: layer %s: bad delete pattern %q", layer, pat)
	}
	var matched []string
	for p := range m.entries {
		if ok, _ := path.Match(pat, p); ok && p != "." {
			matched = append(matched, p)
		}
	}
	if len(matched) == 0 {
		return fmt.Errorf("merge: layer %s: delete pattern %q matches nothing", layer, "/"+pat)
	}
	removed := map[string]bool{}
	for p := range m.entries {
		for _, d := range matched {
			if p == d || strings.HasPrefix(p, d+"/") {
				removed[p] = true
				break
			}
		}
	}
	m.remove(removed)
	return nil
}

// remove deletes the paths in removed (which holds whole subtrees); the
// surviving hard links of a removed file keep its contents.
func (m *merger) remove(removed map[string]bool) {
	for _, p := range slices.SortedFunc(maps.Keys(removed), Compare) {
		if e := m.entries[p]; e != nil && e.Kind == File {
			m.detach(p, e, removed)
		}
	}
	for p := range removed {
		delete(m.entries, p)
		delete(m.fromBase, p)
		delete(m.origin, p)
	}
}

// removeEmptyDirs removes every directory with nothing below it but
// other empty directories, except the root.
func (m *merger) removeEmptyDirs() {
	children := map[string]int{}
	paths := make([]string, 0, len(m.entries))
	for p := range m.entries {
		paths = append(paths, p)
		if p != "." {
			children[path.Dir(p)]++
		}
	}
	slices.SortFunc(paths, Compare)
	for _, p := range slices.Backward(paths) {
		if p != "." && m.entries[p].Kind == Dir && children[p] == 0 {
			delete(m.entries, p)
			delete(m.fromBase, p)
			delete(m.origin, p)
			children[path.Dir(p)]--
		}
	}
}

// checkMountPoints refuses a layer with entries below a mount point.
func checkMountPoints(layer, at string, t *Tree) error {
	var bad []string
	for _, e := range t.Entries {
		p := joinAt(at, e.Path)
		top, rest, below := strings.Cut(p, "/")
		if below && rest != "" && slices.Contains(mountPoints, top) {
			bad = append(bad, "/"+p)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	list := strings.Join(bad, ", ")
	if len(bad) > 10 {
		list = strings.Join(bad[:10], ", ") + fmt.Sprintf(" and %d more", len(bad)-10)
	}
	return fmt.Errorf("merge: layer %s puts files below /data, /dev, /proc, /root, /sys or /tmp, where the device mounts filesystems that would hide them: %s",
		layer, list)
}

// tree syncs hard links with their files and returns the sorted image.
func (m *merger) tree() (*Tree, error) {
	t := &Tree{Entries: make([]*Entry, 0, len(m.entries))}
	for _, e := range m.entries {
		if e.Kind == Hardlink {
			f := m.entries[e.Link]
			if f == nil || f.Kind != File {
				return nil, fmt.Errorf("merge: hard link /%s names /%s, which is not a file in the image", e.Path, e.Link)
			}
			e.Mode, e.UID, e.GID, e.ModTime, e.Xattrs = f.Mode, f.UID, f.GID, f.ModTime, f.Xattrs
			e.Size, e.Open = 0, nil
		}
		t.Entries = append(t.Entries, e)
	}
	t.Sort()
	for _, e := range t.Entries {
		e.Xattrs = maps.Clone(e.Xattrs)
	}
	return t, nil
}

// copyEntry copies an entry, its xattrs included.
func copyEntry(e *Entry) *Entry {
	c := *e
	c.Xattrs = maps.Clone(e.Xattrs)
	return &c
}
