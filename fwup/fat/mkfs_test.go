package fat

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMkfsTypeBySize checks every size fwup was asked to format in
// misc/fat-type-by-size.txt: the same FAT type, or the same refusal.
func TestMkfsTypeBySize(t *testing.T) {
	f, err := os.Open(filepath.Join(fixtures, "misc", "fat-type-by-size.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		count, want, ok := strings.Cut(sc.Text(), " -> ")
		if !ok {
			continue // the "FAIL" line after each refusal
		}
		blocks, err := strconv.ParseInt(count, 10, 64)
		if err != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		n++
		d := &memDevice{}
		d.prepareMkfs(0, blocks)
		v := NewVolumes(d)
		err = v.Mkfs(0, blocks)
		var got string
		if err != nil {
			got = "fwup: " + err.Error()
		} else {
			got = fsTypeString(d.data)
		}
		if got != strings.TrimRight(want, " ") {
			t.Errorf("%d blocks: got %q, want %q", blocks, got, want)
		}
	}
	if n < 30 {
		t.Fatalf("read only %d sizes", n)
	}
}

// fsTypeString returns the trimmed FS type string of a boot sector.
func fsTypeString(img []byte) string {
	if s := string(img[82:90]); s == "FAT32   " {
		return "FAT32"
	}
	return strings.TrimRight(string(img[54:62]), " ")
}

// TestMkfsTypeModel checks the boundaries of fat-type-model.txt: each line
// is the first size of a range with one outcome.
func TestMkfsTypeModel(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(fixtures, "misc", "fat-type-model.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(text))
	for i := 0; i+1 < len(lines); i += 2 {
		first, _ := strconv.ParseInt(lines[i], 10, 64)
		want := lines[i+1]
		for _, blocks := range []int64{first, first + 1, first + 50} {
			if i+3 < len(lines) {
				next, _ := strconv.ParseInt(lines[i+2], 10, 64)
				if blocks >= next {
					continue
				}
			}
			if blocks == 0 {
				continue
			}
			d := &memDevice{}
			d.prepareMkfs(0, blocks)
			got := "FAIL"
			if NewVolumes(d).Mkfs(0, blocks) == nil {
				got = fsTypeString(d.data)
			}
			if got != want {
				t.Errorf("%d blocks: got %s, want %s", blocks, got, want)
			}
		}
		if i > 0 { // the last size before this range has the previous outcome
			d := &memDevice{}
			d.prepareMkfs(0, first-1)
			got := "FAIL"
			if NewVolumes(d).Mkfs(0, first-1) == nil {
				got = fsTypeString(d.data)
			}
			if got != lines[i-1] {
				t.Errorf("%d blocks: got %s, want %s", first-1, got, lines[i-1])
			}
		}
	}
}
