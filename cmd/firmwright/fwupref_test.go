package main

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/builder"
	"github.com/firmwright/firmwright/builder/buildertest"
	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/internal/fatslack"
	"github.com/firmwright/firmwright/internal/fwtest"
	"github.com/firmwright/firmwright/internal/reffwup"
)

// The tests here hold firmwright's fwup mode to what a real fwup did with
// the same command line on the reference set (testdata/fwup-ref), as
// recorded in testdata/reffwup/cli.json (internal/reffwup).

// refPath is a file of the reference set.
func refPath(t *testing.T, name string) string { return fwtest.Ref(t, name) }

// refWorkDir copies the reference set's archives, keys, config and inputs
// into a new directory, for a command line to run in.
func refWorkDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"ref-signed.fw", "ref-unsigned.fw", "fwup-key.pub", "fwup-key.priv", "fwup.conf",
		"misc/misc.fw", "inputs"} {
		copyTree(t, fwtest.Ref(t, name), filepath.Join(dir, name))
	}
	os.WriteFile(filepath.Join(dir, "other.pub"), []byte("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="), 0o644)
	return dir
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	st, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if st.IsDir() {
		ents, _ := os.ReadDir(src)
		for _, e := range ents {
			copyTree(t, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()))
		}
		return
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(dst), 0o755)
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// completeImage writes fwup's own complete image of ref-signed.fw to dir.
func completeImage(t *testing.T, dir string) string {
	t.Helper()
	img := filepath.Join(dir, "complete.img")
	if err := os.WriteFile(img, fwtest.ReadZstd(t, refPath(t, "complete.img.zst")), 0o644); err != nil {
		t.Fatal(err)
	}
	return img
}

// fwupRun is what one command line did: its output and exit status, and
// what it left (an image's masked sha256, a file's contents).
type fwupRun struct {
	reffwup.Result
	Left string `json:"left,omitempty"`
}

// fwupCase is a command line run in a fresh refWorkDir.
type fwupCase struct {
	args  string
	setup func(t *testing.T, dir string)
	left  func(t *testing.T, dir string) string
	// progress marks an apply with numeric (-n) or framed (-F) progress:
	// its percentages are compared apart (see sameProgress).
	progress bool
}

// sameProgress compares two runs' output with their progress taken out,
// and checks that both report percentages that rise from 0 to 100.
//
// fwup reports progress per piece of data libarchive hands it, and
// libarchive cuts pieces where fwup's 16 KiB reads of the compressed
// archive end; firmwright cuts them every 16 KiB of resource data. On a
// large archive both print every percentage; on the small reference set
// they skip different ones. Reproducing libarchive's cuts needs an
// inflater that reports what it can decode of each read (left for the
// apply work of a later issue).
func sameProgress(t *testing.T, got, want fwupRun) {
	t.Helper()
	g, gp := splitProgress(t, got.Stdout)
	w, wp := splitProgress(t, want.Stdout)
	got.Stdout, want.Stdout = g, w
	if got != want {
		t.Errorf("firmwright (progress taken out):\n%+v\nfwup:\n%+v", got, want)
	}
	for _, p := range [][]int{gp, wp} {
		if len(p) < 2 || p[0] != 0 || p[len(p)-1] != 100 || !slices.IsSorted(p) {
			t.Errorf("progress %v does not rise from 0 to 100", p)
		}
	}
}

// splitProgress takes the percentages out of -n or -F output.
func splitProgress(t *testing.T, out string) (rest string, percents []int) {
	t.Helper()
	if strings.HasPrefix(out, "\x00") {
		r := cmdline.NewMessageReader(strings.NewReader(out))
		var b strings.Builder
		for {
			m, err := r.Next()
			if err != nil {
				break
			}
			if m.Kind == cmdline.KindProgress {
				percents = append(percents, int(m.Code))
			} else {
				fmt.Fprintf(&b, "%s %d %q\n", m.Kind, m.Code, m.Text)
			}
		}
		return b.String(), percents
	}
	var b strings.Builder
	for line := range strings.Lines(out) {
		if n, err := strconv.Atoi(strings.TrimSpace(line)); err == nil {
			percents = append(percents, n)
		} else {
			b.WriteString(line)
		}
	}
	return b.String(), percents
}

// maskedFile is the masked sha256 and size of an image a run left.
func maskedFile(name string) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "no " + name
		}
		return fmt.Sprintf("%s %d", fatslack.MaskedSHA256(b), len(b))
	}
}

func (c fwupCase) run(t *testing.T, cmd func(dir string, args []string) reffwup.Result) fwupRun {
	dir := refWorkDir(t)
	if c.setup != nil {
		c.setup(t, dir)
	}
	r := fwupRun{Result: cmd(dir, strings.Fields(c.args))}
	if c.left != nil {
		r.Left = c.left(t, dir)
	}
	return r
}

func withComplete(t *testing.T, dir string) { completeImage(t, dir) }

// TestFwupCommandLines runs fwup command lines on the reference set with
// firmwright and compares stdout, stderr, exit status and what they left
// with what real fwup did (recorded).
func TestFwupCommandLines(t *testing.T) {
	for _, c := range []fwupCase{
		{args: "-m -i ref-signed.fw"},
		{args: "-m -i ref-signed.fw --metadata-key meta-uuid"},
		{args: "-m -i ref-unsigned.fw --metadata-key meta-nickname"},
		{args: "-m -i ref-signed.fw --metadata-key no-such-key"},
		{args: "-l -i ref-signed.fw"},
		{args: "-V -i ref-signed.fw"},
		{args: "-V -p fwup-key.pub -i ref-signed.fw"},
		{args: "-V --public-key-file fwup-key.pub -i ref-signed.fw"},
		{args: "-V -p fwup-key.pub -i ref-unsigned.fw"},
		{args: "-V -p other.pub -i ref-signed.fw"},
		{args: "-V -i ref-unsigned.fw"},
		{args: "-V -i misc/misc.fw"},
		{args: "-V -F -i ref-signed.fw"},
		{args: "-m -F -i ref-signed.fw"},
		{args: "--version"},
		{args: "-V"},
		{args: "-m -i nonexistent.fw"},
		{args: "-m -i fwup.conf"},
		{args: "-t x"},
		{args: "-n -q -V"},
		{args: "-V -i ref-signed.fw extra"},
		{args: "-a -q -d x.img -i ref-signed.fw -t complete", left: maskedFile("x.img")},
		{args: "-a -n -d x.img -i ref-signed.fw -t complete -p fwup-key.pub", left: maskedFile("x.img"), progress: true},
		{args: "-a -F -d x.img -i ref-signed.fw -t complete", left: maskedFile("x.img"), progress: true},
		{args: "-a -d complete.img -i ref-signed.fw -t upgrade --reboot-param-path reboot-param.txt -p fwup-key.pub -n",
			setup: withComplete, progress: true, left: func(t *testing.T, dir string) string {
				b := fwtest.ReadFile(t, filepath.Join(dir, "reboot-param.txt"))
				return maskedFile("complete.img")(t, dir) + " reboot-param " + string(b)
			}},
		{args: "-a -d complete.img -i ref-signed.fw -t upgrade.a -q", setup: withComplete},
		{args: "-a -d blank.img -i ref-signed.fw -t upgrade -q"},
		{args: "-a -d k.img -i ref-signed.fw -t complete -q -p other.pub", left: maskedFile("k.img")},
		{args: "-a -d k.img -i ref-unsigned.fw -t complete -q -p fwup-key.pub", left: maskedFile("k.img")},
		{args: "-a -d t.img -i ref-signed.fw -t nosuchtask -q"},
		{args: "-a -q -d gpt.img -i misc/misc.fw -t complete", left: maskedFile("gpt.img")},
	} {
		t.Run(c.args, func(t *testing.T) {
			want := reffwup.Verdict(t, fwtest.Recording(t, "cli"), c.args, func(fwup string) fwupRun {
				return c.run(t, func(dir string, args []string) reffwup.Result {
					r := reffwup.Run(t, fwup, dir, args...)
					r.Stderr = strings.ReplaceAll(r.Stderr, fwup+":", "fwup:")
					return r
				})
			})
			got := c.run(t, func(dir string, args []string) reffwup.Result {
				t.Chdir(dir)
				stdout, stderr, code := runCLI(t, map[string]string{}, append([]string{"fwup"}, args...)...)
				return reffwup.Result{Stdout: stdout, Stderr: stderr, Exit: code}
			})
			if c.progress {
				sameProgress(t, got, want)
			} else if got != want {
				t.Errorf("firmwright:\n%+v\nfwup:\n%+v", got, want)
			}
		})
	}
}

// TestCreateMatchesReference creates the reference archive, signed and
// not, as fwup mode, and compares with real fwup's archives of the same
// config: the same entries in the same order with the same methods,
// sizes, CRCs and dates (compressed bytes differ: another deflate); a key
// file, --private-key and -S of the unsigned one sign alike.
func TestCreateMatchesReference(t *testing.T) {
	dir := refWorkDir(t)
	out := t.TempDir()
	env := map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}
	t.Chdir(dir)
	priv := fwtest.ReadFile(t, "fwup-key.priv")
	for _, args := range [][]string{
		{"fwup", "-c", "-f", "fwup.conf", "-o", out + "/u.fw"},
		{"fwup", "-c", "-f", "fwup.conf", "-s", "fwup-key.priv", "-o", out + "/s.fw"},
		{"fwup", "-c", "-f", "fwup.conf", "--private-key", string(priv), "-o", out + "/s2.fw"},
		{"fwup", "-S", "-s", "fwup-key.priv", "-i", out + "/u.fw", "-o", out + "/r.fw"},
	} {
		if stdout, stderr, code := runCLI(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, stdout, stderr)
		}
	}
	if a, b := mustRead(t, out+"/s.fw"), mustRead(t, out+"/s2.fw"); a != b {
		t.Error("signing with a key file and with --private-key differ")
	}
	if a, b := mustRead(t, out+"/s.fw"), mustRead(t, out+"/r.fw"); a != b {
		t.Error("-S of the unsigned archive differs from signing at create")
	}
	sameEntries(t, out+"/s.fw", refPath(t, "ref-signed.fw"))
	sameEntries(t, out+"/u.fw", refPath(t, "ref-unsigned.fw"))
}

// sameEntries compares two archives' entries, in order: names, methods,
// uncompressed sizes, CRCs and dates.
func sameEntries(t *testing.T, ours, fwups string) {
	t.Helper()
	list := func(path string) string {
		zr, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		var b strings.Builder
		for _, f := range zr.File {
			fmt.Fprintf(&b, "%s method %d size %d crc %08x %s\n", f.Name, f.Method, f.UncompressedSize64, f.CRC32,
				f.Modified.UTC().Format("2006-01-02 15:04:05"))
		}
		return b.String()
	}
	if got, want := list(ours), list(fwups); got != want {
		t.Errorf("%s entries:\n%swant, as %s:\n%s", filepath.Base(ours), got, filepath.Base(fwups), want)
	}
}

// storedEntries names the entries of an archive that are stored.
func storedEntries(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		if f.Method == zip.Store && f.Name != "meta.conf.ed25519" {
			names = append(names, f.Name)
		}
	}
	return names
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// accepted is what real fwup made of an archive of ours: whether it
// verified it, what it listed and printed, and the image it applied it to.
type accepted struct {
	// Archive is the sha256 of our archive, so that a change in what we
	// create shows as a verdict to record again.
	Archive       string
	Verify, Tasks string
	Metadata      string
	Image         string
}

// TestRefFwupAcceptsOurs: real fwup verifies the signed archives
// firmwright creates of the reference configs, lists and prints them, and
// applies them to the reference images (FAT slack masked).
func TestRefFwupAcceptsOurs(t *testing.T) {
	sums, err := fatslack.ReadSums(refPath(t, "images.masked.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, dir, conf, epoch, image string }{
		{"rpi", "", "fwup.conf", "1700000000", "complete.img"},
		// misc.fw was made with SOURCE_DATE_EPOCH=0.
		{"misc", "misc", "misc.conf", "0", "misc/gpt.img"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := refWorkDir(t)
			if tc.dir != "" {
				dir = fwtest.MiscDir(t)
			}
			ours := filepath.Join(t.TempDir(), "ours.fw")
			t.Chdir(dir)
			env := map[string]string{"SOURCE_DATE_EPOCH": tc.epoch}
			if stdout, stderr, code := runCLI(t, env, "fwup", "-c", "-f", tc.conf, "-s", refPath(t, "fwup-key.priv"), "-o", ours); code != 0 {
				t.Fatalf("firmwright create: exit %d: %s%s", code, stdout, stderr)
			}
			got := acceptedBy(t, "accepts-ours", tc.name, ours)
			if want := sums[tc.image]; !strings.HasPrefix(got.Image, want+" ") {
				t.Errorf("fwup applied our archive to %s, want %s (%s)", got.Image, want, tc.image)
			}
			sameListing(t, env, ours, got)
		})
	}
}

// acceptedBy is real fwup's verdict on our signed archive fw (recorded in
// the named recording): -V with the reference key, -l, -m, and the image
// of the complete task; the verdict must be for this archive and its
// signature good.
func acceptedBy(t *testing.T, recording, name, fw string) accepted {
	t.Helper()
	sum := fmt.Sprintf("%x", sha256.Sum256([]byte(mustRead(t, fw))))
	got := reffwup.Verdict(t, fwtest.Recording(t, recording), name, func(fwup string) accepted {
		out := filepath.Dir(fw)
		a := accepted{Archive: sum}
		a.Verify = reffwup.Run(t, fwup, out, "-V", "-p", refPath(t, "fwup-key.pub"), "-i", fw).Stdout
		a.Tasks = reffwup.Run(t, fwup, out, "-l", "-i", fw).Stdout
		a.Metadata = reffwup.Run(t, fwup, out, "-m", "-i", fw).Stdout
		if r := reffwup.Run(t, fwup, out, "-a", "-q", "-d", "x.img", "-i", fw, "-t", "complete"); r.Exit != 0 {
			t.Fatalf("fwup -a: %+v", r)
		}
		a.Image = maskedFile("x.img")(t, out)
		return a
	})
	if got.Archive != sum {
		t.Fatalf("our archive is not the one fwup's verdict was recorded for (sha256 %s, recorded %s): record again with testdata/record-fwup", sum, got.Archive)
	}
	if got.Verify != "Valid archive with a good signature\n" {
		t.Errorf("fwup -V: %q", got.Verify)
	}
	return got
}

// sameListing checks that our -l and -m of fw print what fwup's did.
func sameListing(t *testing.T, env map[string]string, fw string, fwups accepted) {
	t.Helper()
	for _, c := range []struct{ args, fwup string }{{"-l", fwups.Tasks}, {"-m", fwups.Metadata}} {
		if ours, _, _ := runCLI(t, env, "fwup", c.args, "-i", fw); ours != c.fwup {
			t.Errorf("%s: ours %q, fwup's %q", c.args, ours, c.fwup)
		}
	}
}

// built is what real fwup made of a `firmwright build` .fw.
type built struct {
	// MetaConf is the sha256 of the build's meta.conf: its resources'
	// hashes and lengths, so that a different build shows as a verdict to
	// record again.
	MetaConf string
	Verify   string
	Image    string
}

// TestRefFwupAppliesBuilds: for every system, real fwup verifies the .fw
// that firmwright build makes of the test inputs and applies its complete
// task to an image equal to ours once FAT slack is masked.
func TestRefFwupAppliesBuilds(t *testing.T) {
	for _, name := range []string{"rpi0", "rpi3", "rpi3-64", "rpi4", "rpi5", "qemu-aarch64"} {
		t.Run(name, func(t *testing.T) {
			refFwupAppliesBuild(t, name, buildertest.Spec(t, buildertest.System(t, name), 3<<20))
		})
	}
}

// TestRefFwupAppliesBuildrootShapes: the same for the images/ folders of
// Buildroot's Pi defconfigs (rootfs.ext4, the plain firmware variant,
// their device trees and overlays), whose boot files come from the
// generated fwup.conf fragments.
func TestRefFwupAppliesBuildrootShapes(t *testing.T) {
	for _, shape := range buildertest.Shapes {
		t.Run(shape.Defconfig, func(t *testing.T) {
			refFwupAppliesBuild(t, "buildroot "+shape.Defconfig, buildertest.BuildrootSpec(t, shape, 3<<20))
		})
	}
}

func refFwupAppliesBuild(t *testing.T, name string, spec builder.Spec) {
	if _, err := builder.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	metaSum := fmt.Sprintf("%x", sha256.Sum256(fwtest.MetaConf(t, spec.Output)))
	// The build stores what deflate does not shrink (the gzipped kernel,
	// the SquashFS of random test files): fwup applies stored entries too.
	if stored := storedEntries(t, spec.Output); len(stored) == 0 {
		t.Errorf("no stored entries in the build: the check does not cover them")
	}
	want := reffwup.Verdict(t, fwtest.Recording(t, "builds"), name, func(fwup string) built {
		dir := filepath.Dir(spec.Output)
		b := built{MetaConf: metaSum, Verify: reffwup.Run(t, fwup, dir, "-V", "-i", spec.Output).Stdout}
		if r := reffwup.Run(t, fwup, dir, "-a", "-q", "-d", "ref.img", "-i", spec.Output, "-t", "complete"); r.Exit != 0 {
			t.Fatalf("fwup -a: %+v", r)
		}
		b.Image = maskedFile("ref.img")(t, dir)
		return b
	})
	if want.MetaConf != metaSum {
		t.Fatalf("the build is not the one fwup's verdict was recorded for (meta.conf sha256 %s, recorded %s): record again with testdata/record-fwup", metaSum, want.MetaConf)
	}
	if want.Verify != "Valid archive without a signature\n" {
		t.Errorf("fwup -V: %q", want.Verify)
	}
	if got := maskedFile(filepath.Base(spec.Image))(t, filepath.Dir(spec.Image)); got != want.Image {
		t.Errorf("our image %s, fwup's %s", got, want.Image)
	}
}

// deltaRun is what real fwup made of a card on v1 updated with a delta.
type deltaRun struct {
	// Delta is the sha256 of the delta archive applied.
	Delta  string
	Output string
	Image  string
}

// TestRefFwupAppliesDeltas: a card on v1 of the delta reference case,
// updated with a delta — made the NervesHub way (Debian's xdelta3, zipped
// into v2.fw), or by firmwright patch — ends as the card real fwup made of
// the same (recorded; FAT slack masked).
func TestRefFwupAppliesDeltas(t *testing.T) {
	dir := refPath(t, "delta")
	ours := filepath.Join(t.TempDir(), "ours.patch.fw")
	if _, stderr, code := runCLI(t, nil, "patch", dir+"/v1.fw", dir+"/v2.fw", "-o", ours); code != 0 {
		t.Fatalf("firmwright patch: %s", stderr)
	}
	for _, delta := range []string{dir + "/delta-xdelta3.fw", ours} {
		t.Run(filepath.Base(delta), func(t *testing.T) {
			sum := fmt.Sprintf("%x", sha256.Sum256(fwtest.ReadFile(t, delta)))
			update := func(run func(dir string, args ...string) reffwup.Result) deltaRun {
				work := t.TempDir()
				if r := run(work, "-a", "-q", "-d", "card.img", "-i", dir+"/v1.fw", "-t", "complete"); r.Exit != 0 {
					t.Fatalf("complete: %+v", r)
				}
				r := run(work, "-a", "-n", "-d", "card.img", "-i", delta, "-t", "upgrade")
				return deltaRun{Delta: sum, Output: fmt.Sprintf("%q exit %d", r.Stdout, r.Exit), Image: maskedFile("card.img")(t, work)}
			}
			want := reffwup.Verdict(t, fwtest.Recording(t, "deltas"), filepath.Base(delta), func(fwup string) deltaRun {
				return update(func(dir string, args ...string) reffwup.Result { return reffwup.Run(t, fwup, dir, args...) })
			})
			if want.Delta != sum {
				t.Fatalf("the delta is not the one fwup's verdict was recorded for (sha256 %s, recorded %s): record again with testdata/record-fwup", sum, want.Delta)
			}
			got := update(func(dir string, args ...string) reffwup.Result {
				t.Chdir(dir)
				stdout, stderr, code := runCLI(t, nil, append([]string{"fwup"}, args...)...)
				return reffwup.Result{Stdout: stdout, Stderr: stderr, Exit: code}
			})
			if got != want {
				t.Errorf("firmwright: %+v\nfwup:       %+v", got, want)
			}
		})
	}
}
