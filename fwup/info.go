package fwup

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"strings"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/fwup/meta"
)

// Info is what an archive says of itself: its metadata, signature state,
// tasks and resources, as plain data (firmwright info, and its --json).
type Info struct {
	File      string            `json:"file"`
	Metadata  map[string]string `json:"metadata"`
	Signature string            `json:"signature"`
	Tasks     []string          `json:"tasks"`
	Resources []ResourceInfo    `json:"resources"`
}

// ResourceInfo is one file-resource of an archive.
type ResourceInfo struct {
	Name    string `json:"name"`
	Length  int64  `json:"length"`
	Stored  int64  `json:"stored_bytes"`
	Sparse  bool   `json:"sparse"`
	BLAKE2b string `json:"blake2b_256"`
	// Patch, for a resource that is an xdelta3 patch, is its size and
	// what each task patches it against.
	Patch *PatchSource `json:"patch,omitempty"`
	// ChunkIndex marks firmwright's signed chunk index (package
	// chunkindex), which no task writes.
	ChunkIndex bool `json:"chunk_index,omitempty"`
}

// PatchSource is a delta resource's size and sources.
type PatchSource struct {
	Size    int64    `json:"size"`
	Sources []string `json:"sources"`
}

// Describe reads the archive r (named name) through: meta.conf, checked
// against pubs when any are given, and each resource's entry, to tell
// which are patches.
func Describe(r io.Reader, name string, pubs []ed25519.PublicKey, env map[string]string) (*Info, error) {
	zr := archive.NewReader(r)
	m, err := meta.Read(zr, name, pubs, env)
	if err != nil {
		return nil, err
	}
	info := &Info{File: name, Metadata: map[string]string{}, Tasks: m.Tasks()}
	for _, k := range meta.MetadataKeys {
		if v, ok := m.Value(k); ok && v != "" {
			info.Metadata[k] = v
		}
	}
	switch {
	case m.Verified:
		info.Signature = "signed, verified"
	case m.Signature != nil:
		info.Signature = "signed, not checked (pass --public-key)"
	default:
		info.Signature = "unsigned"
	}
	patches, err := patchesOf(zr, m.Config)
	if err != nil {
		return nil, err
	}
	for _, sec := range m.Config.Sections("file-resource") {
		mp := meta.MapOf(sec)
		ri := ResourceInfo{Name: sec.Title, Length: mp.TotalSize(), Stored: mp.DataSize(), Sparse: len(mp) > 1, BLAKE2b: sec.String("blake2b-256"),
			ChunkIndex: sec.Title == chunkindex.Resource}
		for _, p := range patches {
			if p.Resource == sec.Title {
				ri.Patch = &PatchSource{Size: p.Size, Sources: p.Sources}
			}
		}
		info.Resources = append(info.Resources, ri)
	}
	return info, nil
}

// WriteText writes the info for people: metadata, signature, tasks and
// resources, one a line.
func (info *Info) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s\n", info.File)
	for _, k := range meta.MetadataKeys {
		if v, ok := info.Metadata[k]; ok {
			fmt.Fprintf(w, "  %-20s %s\n", strings.TrimPrefix(k, "meta-"), v)
		}
	}
	fmt.Fprintf(w, "  %-20s %s\n", "signature", info.Signature)
	fmt.Fprintf(w, "tasks:\n")
	for _, t := range info.Tasks {
		fmt.Fprintf(w, "  %s\n", t)
	}
	fmt.Fprintf(w, "resources:\n")
	for _, r := range info.Resources {
		sparse := ""
		if r.Sparse {
			sparse = fmt.Sprintf(" (sparse, %d stored)", r.Stored)
		}
		fmt.Fprintf(w, "  %-28s %10d bytes%s  blake2b-256 %s\n", r.Name, r.Length, sparse, r.BLAKE2b)
		if r.Patch != nil {
			fmt.Fprintf(w, "  %-28s a %d-byte patch against: %s\n", "", r.Patch.Size, strings.Join(r.Patch.Sources, "; "))
		}
		if r.ChunkIndex {
			fmt.Fprintf(w, "  %-28s the signed chunk index: firmwright checks each 128 KiB of the resources against it before writing (fwup skips it)\n", "")
		}
	}
}

// WritePatches writes a line for each patch: what verify adds to its
// verdict on a delta update.
func (info *Info) WritePatches(w io.Writer) {
	for _, r := range info.Resources {
		if r.Patch != nil {
			fmt.Fprintf(w, "  %s is a patch (%d bytes) against: %s\n", r.Name, r.Patch.Size, strings.Join(r.Patch.Sources, "; "))
		}
	}
}
