package fwup

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/firmwright/firmwright/fwup/archive"
)

// A Predeflater deflates files ahead of the Create that takes them as
// resources: a build deflates its boot files (the kernel, start.elf) while
// its root filesystem is made, on a core the SquashFS writer leaves idle
// part of the time, instead of after it. Create uses a file's stream only
// if its CRC-32 and length are those Prepare measured, so a file changed
// in between is deflated again.
type Predeflater struct {
	level int
	mu    sync.Mutex
	files map[string]*predeflated
	stop  chan struct{}
	done  chan struct{}
}

type predeflated struct {
	ready chan struct{}
	sp    *deflatedSpool
	d     archive.Deflated
	err   error
	taken bool
	used  bool // taken and as Prepare measured it
}

// Predeflate starts deflating the files at paths, one after another, at
// level (0: 9) on one goroutine. Create takes them when its level is the
// same. Close it when the Create is done.
func Predeflate(paths []string, level int) *Predeflater {
	if level == 0 {
		level = 9
	}
	p := &Predeflater{level: level, files: map[string]*predeflated{}, stop: make(chan struct{}), done: make(chan struct{})}
	var todo []string
	for _, path := range paths {
		if p.files[path] == nil { // a file two resources read is deflated once
			p.files[path] = &predeflated{ready: make(chan struct{})}
			todo = append(todo, path)
		}
	}
	go func() {
		defer close(p.done)
		for _, path := range todo {
			f := p.files[path]
			select {
			case <-p.stop:
				f.err = os.ErrClosed
			default:
				f.sp, f.d, f.err = deflateFile(path, level)
			}
			close(f.ready)
		}
	}()
	return p
}

func deflateFile(path string, level int) (*deflatedSpool, archive.Deflated, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, archive.Deflated{}, err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return nil, archive.Deflated{}, err
	}
	sp, err := newDeflatedSpool(fi.Size())
	if err != nil {
		return nil, archive.Deflated{}, err
	}
	d, err := archive.Deflate(sp, in, level, 1)
	if err != nil {
		sp.Close()
		return nil, archive.Deflated{}, err
	}
	return sp, d, nil
}

// take returns res's deflated stream when it was deflated beforehand as
// Prepare measured it, else nil. The caller closes it.
func (p *Predeflater) take(res *Resource, level int) *deflatedSpool {
	if p == nil || level != p.level || res.hostPath() == "" {
		return nil
	}
	p.mu.Lock()
	f := p.files[res.hostPath()]
	if f == nil || f.taken {
		p.mu.Unlock()
		return nil
	}
	f.taken = true
	p.mu.Unlock()
	<-f.ready
	if f.err != nil || f.d.CRC != res.CRC || f.d.Size != res.DataSize() {
		if f.sp != nil {
			f.sp.Close()
		}
		return nil
	}
	f.used = true
	return f.sp
}

// Close stops what has not started, waits for what has, and drops the
// streams no Create took.
func (p *Predeflater) Close() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.done
	for _, f := range p.files {
		if !f.taken && f.sp != nil {
			f.sp.Close()
		}
	}
}

// HostPaths returns the files config's file-resources read whole (one
// host path each), except skip, for Predeflate; nil when the config does
// not parse (Create then says why).
func HostPaths(config []byte, opts CreateOptions, skip string) []string {
	root, err := parseConfig(config, opts)
	if err != nil {
		return nil
	}
	var paths []string
	for _, sec := range root.Sections("file-resource") {
		hp := sec.String("host-path")
		if hp == "" || strings.Contains(hp, ";") || sec.Bool("skip-holes") {
			continue
		}
		hp = hostPath(filepath.Dir(sec.Pos.File), hp)
		if hp != skip {
			paths = append(paths, hp)
		}
	}
	return paths
}
