package fat

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
)

// model is what a test expects a filesystem to hold: file contents and
// directories by path. FAT names are case-insensitive: a file keeps the
// case it was created with.
type model struct {
	files map[string]modelFile // by upper-cased path
	dirs  map[string]bool
}

type modelFile struct {
	name string
	data []byte
}

func (m *model) put(name string, data []byte) {
	key := strings.ToUpper(name)
	if f, ok := m.files[key]; ok {
		name = f.name
	}
	m.files[key] = modelFile{name, data}
}

func (m *model) get(name string) ([]byte, bool) {
	f, ok := m.files[strings.ToUpper(name)]
	return f.data, ok
}

func (m *model) remove(name string) { delete(m.files, strings.ToUpper(name)) }

// populate fills a fresh volume with a random but reproducible mix of
// directories, long and short names, big and empty files, overwrites,
// copies, renames and deletions, keeping m in step.
func populate(t *testing.T, v *Volumes, off int64, seed uint64, nFiles int, m *model) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	dirs := []string{""}
	for i := range 12 {
		parent := dirs[rng.IntN(len(dirs))]
		d := parent + fmt.Sprintf("Dir %d with a long name", i)
		if i%3 == 0 {
			d = parent + fmt.Sprintf("d%d", i)
		}
		if err := v.Mkdir(off, d); err != nil {
			t.Fatal(err)
		}
		m.dirs[d] = true
		dirs = append(dirs, d+"/")
	}
	stems := []string{"file", "A Much Longer File Name", "x", "MixedCase", "UPPER", "with.many.dots", "spaces in name"}
	exts := []string{".txt", ".bin", ".TXT", "", ".jpeg", ".c"}
	var names []string
	for i := range nFiles {
		name := dirs[rng.IntN(len(dirs))] + fmt.Sprintf("%s%d%s", stems[rng.IntN(len(stems))], i%7, exts[rng.IntN(len(exts))])
		size := rng.IntN(3000)
		switch rng.IntN(10) {
		case 0:
			size = 0
		case 1:
			size = 20000 + rng.IntN(60000)
		}
		data := randomData(seed*1000+uint64(i), size)
		if _, dup := m.get(name); !dup {
			names = append(names, name)
		}
		writeFile(t, v, off, name, data)
		m.put(name, data)
	}
	for i, name := range names {
		switch i % 9 {
		case 1: // delete
			if _, ok := m.get(name); !ok {
				continue
			}
			if err := v.Remove(off, "fat_rm!", name, true); err != nil {
				t.Fatal(err)
			}
			m.remove(name)
		case 2: // rename, possibly into another directory
			to := dirs[rng.IntN(len(dirs))] + fmt.Sprintf("renamed %d.dat", i)
			data, ok := m.get(name)
			if _, exists := m.get(to); exists || !ok {
				continue
			}
			if err := v.Move(off, "fat_mv", name, to, false); err != nil {
				t.Fatal(err)
			}
			m.remove(name)
			m.put(to, data)
		case 3: // copy
			to := fmt.Sprintf("copy of %d", i)
			data, ok := m.get(name)
			if !ok {
				continue
			}
			if err := v.Copy(off, name, off, to); err != nil {
				t.Fatal(err)
			}
			m.put(to, data)
		case 4: // overwrite with other contents
			data := randomData(uint64(i), rng.IntN(5000))
			writeFile(t, v, off, name, data)
			m.put(name, data)
		case 5:
			if _, ok := m.get(name); !ok {
				continue
			}
			if err := v.Attrib(off, name, "hs"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := v.Touch(off, "touched file"); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.get("touched file"); !ok {
		m.put("touched file", nil)
	}
}

// TestExternalTools builds each FAT type with many operations and checks
// it with fsck.fat and mtools: no errors, every file byte-exact.
func TestExternalTools(t *testing.T) {
	fsck := oracle.Tool(t, "fsck.fat")
	mdir := oracle.Tool(t, "mdir")
	mtype := oracle.Tool(t, "mtype")
	for _, tc := range []struct {
		name   string
		blocks int64
		files  int
	}{
		{"fat12", 4000, 60},
		{"fat16", 30000, 150},
		{"fat32", 70000, 150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &memDevice{}
			v := NewVolumes(d)
			mkfs(t, v, d, 0, tc.blocks)
			m := &model{files: map[string]modelFile{}, dirs: map[string]bool{}}
			populate(t, v, 0, uint64(tc.blocks), tc.files, m)
			if err := v.Close(); err != nil {
				t.Fatal(err)
			}
			img := filepath.Join(t.TempDir(), "fat.img")
			if err := os.WriteFile(img, sectorRange(d.data, 0, int(tc.blocks)*sectorSize), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(fsck, "-n", img).CombinedOutput(); err != nil {
				t.Fatalf("fsck.fat -n: %v\n%s", err, out)
			}

			env := append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
			cmd := exec.Command(mdir, "-/", "-a", "-b", "-i", img, "::")
			cmd.Env = env
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("mdir: %v", err)
			}
			var listed []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				listed = append(listed, strings.TrimSuffix(strings.TrimPrefix(l, "::/"), "/"))
			}
			var want []string
			for _, f := range m.files {
				want = append(want, f.name)
			}
			for d := range m.dirs {
				want = append(want, d)
			}
			slices.Sort(listed)
			slices.Sort(want)
			if !slices.Equal(listed, want) {
				t.Fatalf("mdir lists %d names, want %d; first difference: %q", len(listed), len(want), firstDifference(listed, want))
			}
			for _, f := range m.files {
				name, data := f.name, f.data
				cmd := exec.Command(mtype, "-i", img, "::/"+name)
				cmd.Env = env
				got, err := cmd.Output()
				if err != nil {
					t.Fatalf("mtype %s: %v", name, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("mtype %s: %d bytes differ from the %d written", name, len(got), len(data))
				}
			}
		})
	}
}

// firstDifference returns the first name in only one of two sorted lists.
func firstDifference(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return min(a[i], b[i])
		}
	}
	if len(a) > len(b) {
		return a[len(b)]
	}
	if len(b) > len(a) {
		return b[len(a)]
	}
	return ""
}
