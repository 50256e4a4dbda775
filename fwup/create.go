package fwup

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"time"

	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/chunkindex"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/fwup/meta"
)

// CreateOptions are the inputs of Create besides the config text.
type CreateOptions struct {
	// Env is the variable environment the config sees (the process
	// environment, for the CLI). Create works on a copy.
	Env map[string]string
	// Name names the config in messages; Dir is where its relative paths
	// resolve ("" = current directory).
	Name, Dir string
	// Time is the creation time stamped on meta.conf and given to the
	// config as NOW. The caller resolves SOURCE_DATE_EPOCH and the clock.
	Time time.Time
	// Level is the deflate level, 1-9 (0 means fwup's default, 9), or
	// past zlib's, 10-12 (not in fwup mode).
	Level int
	// Fwup is fwup mode (fwup -c): every resource deflated, as fwup does,
	// with the encoder whose bytes the recorded checks against a real fwup
	// hold (archive.DeflateCompat). Otherwise resources are deflated with
	// internal/deflate and stored when that saves less than 1%.
	Fwup bool
	// Key signs the archive when set.
	Key ed25519.PrivateKey
	// ChunkIndex adds firmwright's signed chunk index (package
	// chunkindex) to a signed archive: fwup's own create never does.
	ChunkIndex bool
	// Workers compress in parallel (0 = number of CPUs).
	Workers int
	// Stat sizes host paths for FWUP_SIZE_<name>; os.Stat when nil.
	Stat func(string) (fs.FileInfo, error)
	// Predeflated holds resources deflated beforehand (not in fwup
	// mode); nil for none.
	Predeflated *Predeflater
	// Store names host paths whose resources are stored without trying
	// deflate (not in fwup mode): the caller knows deflate saves under
	// 1% of them, as a build knows of the entropy-coded SquashFS it made.
	Store []string
}

// Plan is a parsed, checked config with its resources measured: everything
// needed to write the archive.
type Plan struct {
	Config    *conf.Section
	Resources []*Resource
	Meta      []byte
}

// Prepare parses a config, checks it as fwup does at create time, hashes
// its resources and renders meta.conf. Its errors come in fwup's order:
// config errors (*conf.Error), unreadable host paths, then size
// assertions and resource names.
func Prepare(config []byte, opts CreateOptions) (*Plan, error) {
	root, err := parseConfig(config, opts)
	if err != nil {
		return nil, err
	}
	p := &Plan{Config: root}
	var index *chunkindex.Index
	if opts.ChunkIndex && opts.Key != nil {
		index = &chunkindex.Index{ChunkSize: chunkindex.ChunkSize}
	}
	for _, sec := range root.Sections("file-resource") {
		res, err := resolveResource(sec)
		if err != nil {
			return nil, err
		}
		p.Resources = append(p.Resources, res)
	}
	if err := measureAll(p.Resources, index, opts.Workers); err != nil {
		return nil, err
	}
	for i, sec := range root.Sections("file-resource") {
		sec.Set("length", p.Resources[i].Map.Lengths()...)
		sec.Set("blake2b-256", p.Resources[i].Hash)
	}
	if index != nil {
		if err := p.addChunkIndex(opts.Name, index); err != nil {
			return nil, err
		}
	}
	p.Meta = root.MetaConf()
	for i, sec := range root.Sections("file-resource") {
		if i < len(p.Resources) && p.Resources[i].index {
			continue
		}
		if sec.Has("host-path") {
			if err := checkAssertSize(sec, p.Resources[i].Map.TotalSize()); err != nil {
				return nil, err
			}
		}
		if err := checkResourceName(sec.Title); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// parseConfig parses config as create reads it.
func parseConfig(config []byte, opts CreateOptions) (*conf.Section, error) {
	env := make(map[string]string, len(opts.Env)+3)
	for k, v := range opts.Env {
		env[k] = v
	}
	// These survive to apply time, where the device fills them in.
	env["FWUP_META_UUID"] = "${FWUP_META_UUID}"
	env["FWUP_META_NICKNAME"] = "${FWUP_META_NICKNAME}"
	if _, ok := env["NOW"]; !ok {
		env["NOW"] = opts.Time.UTC().Format("2006-01-02T15:04:05Z")
	}
	return conf.Parse(opts.Name, opts.Dir, config, conf.Options{Env: env, Stat: opts.Stat, Check: checker{}})
}

// checkResourceName applies fwup's rules for the archive path of a
// resource.
func checkResourceName(name string) error {
	switch {
	case len(name)+6 > maxArchivePath:
		return fmt.Errorf("resource name '%s' is too long", name)
	case name == "":
		return fmt.Errorf("resource name can't be empty")
	case name[len(name)-1] == '/':
		return fmt.Errorf("resource name '%s' can't end in a '/'", name)
	case name[0] != '/':
		return nil
	case name == "/":
		return fmt.Errorf("resource name can't be the root directory")
	case name == "/meta.conf":
		return fmt.Errorf("resources can't be named /meta.conf")
	case name == "/data" || strings.HasPrefix(name, "/data/"):
		return fmt.Errorf("use a normal resource name rather than specifying /data")
	}
	return nil
}

// maxArchivePath is fwup's FWFILE_MAX_ARCHIVE_PATH.
const maxArchivePath = 512

// Write writes the plan's archive: the signature when a key is given, then
// meta.conf, then every resource in declaration order.
func (p *Plan) Write(w io.Writer, opts CreateOptions) error {
	level := opts.Level
	if level == 0 {
		level = 9
	}
	if maxLevel := opts.maxLevel(); level < 1 || level > maxLevel {
		return fmt.Errorf("compression level %d is not 1-%d", level, maxLevel)
	}
	workers := opts.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	deflate := archive.Deflate
	if opts.Fwup {
		deflate = archive.DeflateCompat
	}
	zw := archive.NewWriter(w)
	if opts.Key != nil {
		if err := zw.WriteStored(archive.Entry{Name: meta.SignatureName}, keys.Sign(opts.Key, p.Meta)); err != nil {
			return err
		}
	}
	if err := writeMeta(zw, p.Meta, opts.Time, func(dst io.Writer, src io.Reader) (archive.Deflated, error) {
		return deflate(dst, src, level, 1)
	}); err != nil {
		return err
	}
	resDeflate := func(dst io.Writer, src io.Reader) (archive.Deflated, error) {
		return deflate(dst, src, level, workers)
	}
	var err error
	if opts.Fwup {
		err = streamResources(zw, p.Resources, resDeflate)
	} else {
		err = writeResources(zw, p.Resources, resDeflate, level, opts.Predeflated, opts.Store)
	}
	if err != nil {
		return err
	}
	return zw.Close()
}

func (opts CreateOptions) maxLevel() int {
	if opts.Fwup {
		return 9
	}
	return archive.MaxLevel
}

// deflater writes src deflated to dst.
type deflater func(dst io.Writer, src io.Reader) (archive.Deflated, error)

// deflateChecked deflates (or, with copyCRC, copies) the resource's data
// to dst and checks it is what Prepare measured. The CRC-32 that the
// archive needs anyway is the check: a second BLAKE2b pass cost a tenth
// of a build's time, and what it would catch beyond a CRC is a change
// made to match a CRC, which whoever can write the inputs need not make.
func (r *Resource) deflateChecked(dst io.Writer, deflate deflater) (archive.Deflated, error) {
	src := r.Open()
	defer src.Close()
	d, err := deflate(dst, src)
	if err == nil && (d.CRC != r.CRC || d.Size != r.DataSize()) {
		err = fmt.Errorf("file-resource '%s' changed while the archive was written", r.Name)
	}
	return d, err
}

func writeMeta(zw *archive.Writer, conf []byte, t time.Time, deflate deflater) error {
	mtime := t.UTC()
	return zw.WriteDeflated(archive.Entry{Name: meta.MetaConfName, Modified: &mtime}, int64(len(conf)), func(dst io.Writer) (archive.Deflated, error) {
		return deflate(dst, bytes.NewReader(conf))
	})
}

// Create parses config and writes its archive to w.
func Create(w io.Writer, config []byte, opts CreateOptions) (*Plan, error) {
	p, err := Prepare(config, opts)
	if err != nil {
		return nil, err
	}
	return p, p.Write(w, opts)
}
