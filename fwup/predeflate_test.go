package fwup

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPredeflate: an archive made with files deflated beforehand is the
// archive made without, byte for byte, also when a file changed after it
// was predeflated (it is deflated again) or the levels differ.
func TestPredeflate(t *testing.T) {
	dir := t.TempDir()
	random := randomBytes(5, 1<<20+3)
	files := map[string][]byte{
		"kernel.img": random,
		"start.elf":  bytes.Repeat([]byte("\x7fELF text of a firmware blob "), 50000),
		"rootfs.img": bytes.Repeat([]byte("squashfs "), 1000),
	}
	for name, data := range files {
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	conf := []byte(`file-resource kernel.img { host-path = "kernel.img" }
file-resource start.elf { host-path = "start.elf" }
file-resource cmdline.txt { contents = "console=ttyAMA0" }
file-resource rootfs.img { host-path = "${ROOTFS}" }
task complete { on-resource kernel.img { raw_write(0) } on-resource start.elf { raw_write(10000) } on-resource cmdline.txt { raw_write(20000) } on-resource rootfs.img { raw_write(30000) } }
`)
	os.WriteFile(filepath.Join(dir, "fwup.conf"), conf, 0o644)
	rootfs := filepath.Join(dir, "rootfs.img")
	opts := CreateOptions{Env: map[string]string{"ROOTFS": rootfs}, Name: filepath.Join(dir, "fwup.conf"), Dir: dir, Time: time.Unix(1700000000, 0)}
	create := func(pre *Predeflater) []byte {
		t.Helper()
		o := opts
		o.Predeflated = pre
		var buf bytes.Buffer
		if _, err := Create(&buf, conf, o); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	paths := HostPaths(conf, opts, rootfs)
	if len(paths) != 2 || paths[0] != filepath.Join(dir, "kernel.img") || paths[1] != filepath.Join(dir, "start.elf") {
		t.Fatalf("HostPaths: %q, want kernel.img and start.elf without the rootfs", paths)
	}
	want := create(nil)

	pre := Predeflate(append(paths, paths...), 0) // a path twice is deflated once
	if got := create(pre); !bytes.Equal(got, want) {
		t.Error("the archive with predeflated files differs")
	}
	for _, p := range paths {
		if !pre.files[p].used {
			t.Errorf("%s: deflated again", p)
		}
	}
	pre.Close()

	pre = Predeflate(paths, 0)
	<-pre.files[paths[1]].ready
	files["start.elf"][7] ^= 1
	os.WriteFile(filepath.Join(dir, "start.elf"), files["start.elf"], 0o644)
	if got, fresh := create(pre), create(nil); !bytes.Equal(got, fresh) || bytes.Equal(got, want) {
		t.Error("a file changed after it was predeflated went into the archive as it was")
	}
	if pre.files[paths[1]].used || !pre.files[paths[0]].used {
		t.Error("the changed file's stream was used, or the unchanged one's not")
	}
	pre.Close()

	pre = Predeflate(paths, 3)
	if got := create(pre); !bytes.Equal(got, create(nil)) {
		t.Error("files predeflated at level 3 went into a level 9 archive")
	}
	pre.Close()
}
