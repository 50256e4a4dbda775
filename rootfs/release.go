package rootfs

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// The functions here take an OTP release as a Tree rooted at the
// release's own directory (lib/, releases/, erts-<vsn>/), the way mix
// release leaves it in _build/<target>_<env>/rel/<app>: before it is
// laid at /srv/erlang.

// maxStartErlData bounds the start_erl.data CheckRelease reads.
const maxStartErlData = 4096

// CheckRelease reports whether t is an OTP release erlinit can start, and
// names everything missing, with what was expected, in one error:
//
//   - lib/ and releases/ directories (rel2fw.sh and scrub-otp-release.sh
//     refuse a release without them);
//   - releases/start_erl.data holding "<erts-vsn> <release-vsn>", each at
//     most 32 bytes (erlinit's read_start_erl), naming a directory
//     releases/<release-vsn>;
//   - a boot file, a name ending in .boot, in that directory (erlinit's
//     find_boot_path falls back to the first of them);
//   - erts-<erts-vsn>/bin/erlexec, since Nerves releases bring their own
//     ERTS and Nerves systems have none in /usr/lib/erlang.
func CheckRelease(t *Tree) error {
	var problems []string
	isDir := func(p string) bool { e := t.Lookup(p); return e != nil && e.Kind == Dir }
	for _, d := range []string{"lib", "releases"} {
		if !isDir(d) {
			problems = append(problems, fmt.Sprintf("no %s/ directory (an OTP release has lib/ and releases/)", d))
		}
	}
	if isDir("releases") {
		problems = append(problems, checkReleaseVersion(t, isDir)...)
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("not an OTP release: %s", strings.Join(problems, "; "))
}

func checkReleaseVersion(t *Tree, isDir func(string) bool) []string {
	const startErl = "releases/start_erl.data"
	var versions []string
	for _, e := range subtree(t, "releases") {
		if e.Kind == Dir && path.Dir(e.Path) == "releases" {
			versions = append(versions, path.Base(e.Path))
		}
	}
	found := "it has no version directories"
	if len(versions) > 0 {
		found = "it has " + strings.Join(versions, ", ")
	}
	data, err := readTreeFile(t, startErl, maxStartErlData)
	if err != nil {
		return []string{fmt.Sprintf("no %s (expected \"<erts-version> <release-version>\", naming a directory releases/<release-version>; %s)", startErl, found)}
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 || len(fields[0]) > 32 || len(fields[1]) > 32 {
		return []string{fmt.Sprintf("%s holds %q (expected \"<erts-version> <release-version>\", each at most 32 bytes)", startErl, strings.TrimSpace(string(data)))}
	}
	ertsVsn, relVsn := fields[0], fields[1]
	var problems []string
	vsnDir := path.Join("releases", relVsn)
	if !isDir(vsnDir) {
		problems = append(problems, fmt.Sprintf("%s names release version %s, but there is no %s/ (%s)", startErl, relVsn, vsnDir, found))
	} else {
		var boots []string
		for _, e := range subtree(t, vsnDir) {
			if path.Dir(e.Path) == vsnDir && e.Kind != Dir && strings.HasSuffix(e.Path, ".boot") {
				boots = append(boots, e.Path)
			}
		}
		if len(boots) == 0 {
			problems = append(problems, fmt.Sprintf("no boot file in %s/ (expected start.boot or <name>.boot)", vsnDir))
		}
	}
	erlexec := "erts-" + ertsVsn + "/bin/erlexec"
	if e := t.Lookup(erlexec); e == nil || (e.Kind != File && e.Kind != Hardlink) {
		problems = append(problems, fmt.Sprintf("%s names ERTS %s, but there is no %s (build the release with the target's ERTS included)", startErl, ertsVsn, erlexec))
	}
	return problems
}

// Directories ScrubRelease removes from ERTS and from every application
// (Buildroot's package/erlang/erlang.mk removes src, c_src, include, doc,
// man, examples and emacs from each erts-* and lib/* on the target; obj
// is where NIF builds leave their objects).
var scrubAppDirs = []string{"c_src", "doc", "emacs", "examples", "include", "man", "obj", "src"}

// Programs ScrubRelease removes from erts-*/bin: compile-time and test
// tools (nerves_system_br's scrub-target.sh removed the same from the
// target before ERTS moved into the release).
var scrubERTSTools = []string{"ct_run", "dialyzer", "erlc", "escript", "typer"}

// ScrubRelease returns the release without what a device does not need,
// as Nerves' scrub-otp-release.sh (nerves_system_br) and the Buildroot
// rules it relies on leave it:
//
//   - files at the top of the release (scrub-otp-release.sh: "nothing is
//     supposed to be there": tarballs, temporary files);
//   - under releases/, files named *.sh, *.bat, *.ps1, *gz and *.script
//     (start scripts and release tarballs; the .boot files stay);
//   - src, c_src, include, doc, man, examples, emacs and obj directories
//     directly in erts-*/ and lib/*/;
//   - erts-*/bin/{ct_run,dialyzer,erlc,escript,typer};
//   - static libraries (*.a) and C headers (*.h), except in an
//     application's priv directory, which is its own runtime data;
//   - then every directory left empty (scrub-otp-release.sh's
//     find -type d -empty -delete), except the release root.
//
// A directory holding a file named .noscrub opts itself and everything
// below it out of the src/include/.../*.a/*.h/tool rules here and out of
// CheckELF (Nerves' .noscrub opts a directory out of the executable
// check and stripping); a rule for a directory does not apply when a
// .noscrub is inside it. The Nerves rules for the release's top level
// and releases/ apply everywhere. Stripping ELF files is not done. The
// input is not changed.
func ScrubRelease(t *Tree) *Tree {
	m := newMerger(t)
	noscrub := noscrubDirs(t)
	exempt := func(p string, dir bool) bool {
		return exemptByNoscrub(p, noscrub) || dir && slices.ContainsFunc(noscrub, func(d string) bool {
			return strings.HasPrefix(d, p+"/")
		})
	}
	removed := map[string]bool{}
	removeTree := func(p string) {
		removed[p] = true
		for _, e := range subtree(t, p) {
			removed[e.Path] = true
		}
	}
	for _, e := range t.Entries {
		p := e.Path
		if removed[p] || p == "." {
			continue
		}
		parts := strings.Split(p, "/")
		name := parts[len(parts)-1]
		top := parts[0]
		inApp := len(parts) >= 2 && (top == "lib" && len(parts) >= 3 || strings.HasPrefix(top, "erts-"))
		switch {
		case len(parts) == 1 && (e.Kind == File || e.Kind == Hardlink):
			removed[p] = true
		case top == "releases" && e.Kind != Dir && releaseJunk(name):
			removed[p] = true
		case e.Kind == Dir && inApp && appLevel(parts) && slices.Contains(scrubAppDirs, name) && !exempt(p, true):
			removeTree(p)
		case e.Kind != Dir && strings.HasPrefix(top, "erts-") && len(parts) == 3 && parts[1] == "bin" &&
			slices.Contains(scrubERTSTools, name) && !exempt(p, false):
			removed[p] = true
		case e.Kind != Dir && (strings.HasSuffix(name, ".a") || strings.HasSuffix(name, ".h")) &&
			!inPriv(parts) && !exempt(p, false):
			removed[p] = true
		}
	}
	m.remove(removed)
	m.removeEmptyDirs()
	out, _ := m.tree() // hard links stay consistent: remove keeps their files
	return out
}

// appLevel reports whether parts names a directory directly in an
// application (lib/<app>/<dir>) or in ERTS (erts-<vsn>/<dir>).
func appLevel(parts []string) bool {
	if parts[0] == "lib" {
		return len(parts) == 3
	}
	return len(parts) == 2
}

func inPriv(parts []string) bool {
	return len(parts) >= 4 && parts[0] == "lib" && parts[2] == "priv"
}

// releaseJunk matches scrub-otp-release.sh's find -name patterns for
// releases/.
func releaseJunk(name string) bool {
	for _, suf := range []string{".sh", ".bat", ".ps1", "gz", ".script"} {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// noscrubDirs lists the directories holding a .noscrub file.
func noscrubDirs(t *Tree) []string {
	var dirs []string
	for _, e := range t.Entries {
		if path.Base(e.Path) == ".noscrub" {
			dirs = append(dirs, path.Dir(e.Path))
		}
	}
	return dirs
}

// exemptByNoscrub reports whether p is at or below a .noscrub directory.
func exemptByNoscrub(p string, dirs []string) bool {
	for _, d := range dirs {
		if d == "." || p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}
