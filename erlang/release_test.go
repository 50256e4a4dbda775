package erlang

import (
	"slices"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

func releaseSpecs() []string {
	return []string{
		". d 755 0:0",
		"erts-13.2/bin/erlexec f 755 0:0 elf",
		"erts-13.2/bin/beam.smp f 755 0:0 elf",
		"erts-13.2/bin/erlc f 755 0:0 elf",
		"erts-13.2/bin/dialyzer f 755 0:0 elf",
		"erts-13.2/bin/start.src f 755 0:0 sh",
		"erts-13.2/include/erl_nif.h f 644 0:0 h",
		"erts-13.2/lib/liberts.a f 644 0:0 a",
		"erts-13.2/src/setuid_socket_wrap.c f 644 0:0 c",
		"lib/app-1.0/ebin/app.app f 644 0:0 {}",
		"lib/app-1.0/ebin/app.beam f 644 0:0 beam",
		"lib/app-1.0/src/app.erl f 644 0:0 src",
		"lib/app-1.0/c_src/nif.c f 644 0:0 c",
		"lib/app-1.0/obj/nif.o f 644 0:0 o",
		"lib/app-1.0/priv/nif.so f 755 0:0 so",
		"lib/app-1.0/priv/include/api.h f 644 0:0 h",
		"lib/keep-1.0/.noscrub f 644 0:0 ",
		"lib/keep-1.0/src/keep.erl f 644 0:0 src",
		"lib/keep-1.0/lib/libx.a f 644 0:0 a",
		"lib/inner-1.0/src/sub/.noscrub f 644 0:0 ",
		"lib/inner-1.0/src/sub/x.erl f 644 0:0 x",
		"lib/inner-1.0/doc/index.html f 644 0:0 doc",
		"lib/empty-1.0/ebin d 755 0:0",
		"releases/start_erl.data f 644 0:0 13.2 0.1.0",
		"releases/0.1.0/start.boot f 644 0:0 boot",
		"releases/0.1.0/shoehorn.boot f 644 0:0 boot",
		"releases/0.1.0/start.script f 644 0:0 script",
		"releases/0.1.0/sys.config f 644 0:0 []",
		"releases/0.1.0/vm.args f 644 0:0 -x",
		"releases/0.1.0/env.sh f 755 0:0 sh",
		"releases/0.1.0/env.bat f 644 0:0 bat",
		"releases/0.1.0/app.tar.gz f 644 0:0 tgz",
		"releases/COOKIE f 644 0:0 c",
		"app-0.1.0.tar.gz f 644 0:0 tgz",
		"bin d 755 0:0",
	}
}

func TestCheckRelease(t *testing.T) {
	good := releaseSpecs()
	without := func(drop ...string) []string {
		var out []string
	next:
		for _, s := range good {
			for _, d := range drop {
				if strings.HasPrefix(s, d) {
					continue next
				}
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		name  string
		specs []string
		want  string
	}{
		{"good", good, ""},
		{"no lib", without("lib/"), "not an OTP release: no lib/ directory (an OTP release has lib/ and releases/)"},
		{"nothing", []string{". d 755 0:0"}, "not an OTP release: no lib/ directory (an OTP release has lib/ and releases/); no releases/ directory (an OTP release has lib/ and releases/)"},
		{"no start_erl.data", without("releases/start_erl.data"),
			`not an OTP release: no releases/start_erl.data (expected "<erts-version> <release-version>", naming a directory releases/<release-version>; it has 0.1.0)`},
		{"bad start_erl.data", append(without("releases/start_erl.data"), "releases/start_erl.data f 644 0:0 13.2"),
			`not an OTP release: releases/start_erl.data holds "13.2" (expected "<erts-version> <release-version>", each at most 32 bytes)`},
		{"wrong version", append(without("releases/start_erl.data"), "releases/start_erl.data f 644 0:0 13.2 0.2.0\n"),
			"not an OTP release: releases/start_erl.data names release version 0.2.0, but there is no releases/0.2.0/ (it has 0.1.0)"},
		{"no boot file", without("releases/0.1.0/start.boot", "releases/0.1.0/shoehorn.boot"),
			"not an OTP release: no boot file in releases/0.1.0/ (expected start.boot or <name>.boot)"},
		{"no erts", without("erts-13.2/"),
			"not an OTP release: releases/start_erl.data names ERTS 13.2, but there is no erts-13.2/bin/erlexec (build the release with the target's ERTS included)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRelease(rootfstest.MemTree(t, tc.specs...))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestScrubRelease: exactly scrub-otp-release.sh's removals.
func TestScrubRelease(t *testing.T) {
	specs := append(releaseSpecs(),
		"lib/app-1.0/doc/chunks/app.chunk f 644 0:0 chunk",
		"releases/0.1.0/hooks.sh/pre.sh f 644 0:0 sh",
		"releases/0.1.0/kept.bat/data f 644 0:0 data",
		"releases/0.0.9/old.tar.gz f 644 0:0 tgz",
		"releases/0.1.0/empty.sh d 755 0:0",
		"erl l 777 0:0 erts-13.2/bin/erlexec",
		"erts-13.2/bin/erl f 755 0:0 elf",
		"erl.hard h 755 0:0 erts-13.2/bin/erl",
		"nested/empty/dirs d 755 0:0",
	)
	in := rootfstest.MemTree(t, specs...)
	before := rootfstest.Describe(t, in)
	out := ScrubRelease(in)
	if rootfstest.Describe(t, in) != before {
		t.Error("ScrubRelease changed its input")
	}
	rootfstest.Validate(t, out)
	keep := []string{
		"erts-13.2/bin/erlexec", "erts-13.2/bin/beam.smp", "erts-13.2/bin/start.src",
		"erts-13.2/bin/erlc", "erts-13.2/bin/dialyzer", "erts-13.2/include/erl_nif.h",
		"erts-13.2/lib/liberts.a", "erts-13.2/src/setuid_socket_wrap.c",
		"lib/app-1.0/ebin/app.beam", "lib/app-1.0/ebin/app.app", "lib/app-1.0/src/app.erl",
		"lib/app-1.0/c_src/nif.c", "lib/app-1.0/obj/nif.o", "lib/app-1.0/doc/chunks/app.chunk",
		"lib/app-1.0/priv/nif.so", "lib/app-1.0/priv/include/api.h",
		"lib/keep-1.0/src/keep.erl", "lib/keep-1.0/lib/libx.a", "lib/keep-1.0/.noscrub",
		"lib/inner-1.0/src/sub/x.erl", "lib/inner-1.0/doc/index.html",
		"releases/start_erl.data", "releases/COOKIE",
		"releases/0.1.0/start.boot", "releases/0.1.0/shoehorn.boot",
		"releases/0.1.0/sys.config", "releases/0.1.0/vm.args",
		// find -delete cannot remove a directory that keeps something.
		"releases/0.1.0/kept.bat", "releases/0.1.0/kept.bat/data",
		// Emptied by the later steps, which do not look for empty
		// directories again.
		"releases/0.0.9",
		// Only regular files go from the top.
		"erl",
	}
	gone := []string{
		"lib/empty-1.0", "bin", "nested", "releases/0.1.0/empty.sh",
		"releases/0.1.0/start.script", "releases/0.1.0/env.sh", "releases/0.1.0/env.bat",
		"releases/0.1.0/app.tar.gz", "releases/0.1.0/hooks.sh", "releases/0.0.9/old.tar.gz",
		"app-0.1.0.tar.gz", "erl.hard",
	}
	checkScrubbed(t, out, keep, gone)
	if e := out.Lookup("erts-13.2/bin/erl"); e == nil || e.Kind != rootfs.File {
		t.Errorf("the file of a removed hard link went too: %+v", e)
	}
}

func TestScrubReleaseThorough(t *testing.T) {
	in := rootfstest.MemTree(t, releaseSpecs()...)
	before := rootfstest.Describe(t, in)
	out := ScrubReleaseThorough(in)
	if rootfstest.Describe(t, in) != before {
		t.Error("ScrubReleaseThorough changed its input")
	}
	rootfstest.Validate(t, out)
	keep := []string{
		"erts-13.2/bin/erlexec", "erts-13.2/bin/beam.smp", "erts-13.2/bin/start.src",
		"lib/app-1.0/ebin/app.beam", "lib/app-1.0/ebin/app.app",
		"lib/app-1.0/priv/nif.so", "lib/app-1.0/priv/include/api.h",
		"lib/keep-1.0/src/keep.erl", "lib/keep-1.0/lib/libx.a", "lib/keep-1.0/.noscrub",
		"lib/inner-1.0/src/sub/x.erl",
		"releases/start_erl.data", "releases/COOKIE",
		"releases/0.1.0/start.boot", "releases/0.1.0/shoehorn.boot",
		"releases/0.1.0/sys.config", "releases/0.1.0/vm.args",
	}
	gone := []string{
		"erts-13.2/bin/erlc", "erts-13.2/bin/dialyzer", "erts-13.2/include", "erts-13.2/lib",
		"erts-13.2/src", "lib/app-1.0/src", "lib/app-1.0/c_src", "lib/app-1.0/obj",
		"lib/inner-1.0/doc", "lib/empty-1.0", "bin",
		"releases/0.1.0/start.script", "releases/0.1.0/env.sh", "releases/0.1.0/env.bat",
		"releases/0.1.0/app.tar.gz", "app-0.1.0.tar.gz",
	}
	checkScrubbed(t, out, keep, gone)
}

func checkScrubbed(t *testing.T, out *rootfs.Tree, keep, gone []string) {
	t.Helper()
	for _, p := range keep {
		if out.Lookup(p) == nil {
			t.Errorf("%s was removed", p)
		}
	}
	for _, p := range gone {
		if out.Lookup(p) != nil {
			t.Errorf("%s is still there", p)
		}
	}
	if err := CheckRelease(out); err != nil {
		t.Errorf("scrubbed release: %v", err)
	}
}

// TestStartErlData: CheckRelease and BootFile read start_erl.data by the
// same rules, erlinit's fscanf("%32s %32s").
func TestStartErlData(t *testing.T) {
	long := strings.Repeat("9", 33)
	for _, c := range []struct {
		data string
		ok   bool
	}{
		{"13.2 0.1.0", true},
		{"13.2 0.1.0\n", true},
		{"  13.2\t\r\n0.1.0", true},
		{"13.2 0.1.0 trailing words", true},
		{"13.2", false},
		{"", false},
		{"13.2 " + long, false},
		{long + " 0.1.0", false},
	} {
		specs := slices.DeleteFunc(releaseSpecs(), func(s string) bool { return strings.HasPrefix(s, "releases/start_erl.data ") })
		specs = append(specs, "releases/start_erl.data f 644 0:0 "+c.data)
		tr := rootfstest.MemTree(t, specs...)
		checkErr := CheckRelease(tr)
		boot, bootErr := BootFile(tr, "", "")
		if (checkErr == nil) != c.ok || (bootErr == nil) != c.ok {
			t.Errorf("%q: CheckRelease: %v; BootFile: %v; want ok=%v", c.data, checkErr, bootErr, c.ok)
			continue
		}
		if c.ok && boot != "releases/0.1.0/shoehorn.boot" {
			t.Errorf("%q: BootFile = %s", c.data, boot)
		}
		if !c.ok && !strings.Contains(bootErr.Error(), "releases/start_erl.data holds") {
			t.Errorf("%q: BootFile: %v", c.data, bootErr)
		}
	}
}
