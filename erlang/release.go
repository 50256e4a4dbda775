package erlang

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/firmwright/firmwright/erlang/erlinit"

	"github.com/firmwright/firmwright/rootfs"
)

// The functions here take an OTP release as a Tree rooted at the
// release's own directory (lib/, releases/, erts-<vsn>/), the way mix
// release leaves it in _build/<target>_<env>/rel/<app>: before it is
// laid at /srv/erlang.

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
func CheckRelease(t *rootfs.Tree) error {
	var problems []string
	isDir := func(p string) bool { e := t.Lookup(p); return e != nil && e.Kind == rootfs.Dir }
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

func checkReleaseVersion(t *rootfs.Tree, isDir func(string) bool) []string {
	const startErl = "releases/start_erl.data"
	var versions []string
	for _, e := range t.Subtree("releases") {
		if e.Kind == rootfs.Dir && path.Dir(e.Path) == "releases" {
			versions = append(versions, path.Base(e.Path))
		}
	}
	found := "it has no version directories"
	if len(versions) > 0 {
		found = "it has " + strings.Join(versions, ", ")
	}
	data, err := t.ReadFile(startErl, maxStartErlData)
	if err != nil {
		return []string{fmt.Sprintf("no %s (expected \"<erts-version> <release-version>\", naming a directory releases/<release-version>; %s)", startErl, found)}
	}
	ertsVsn, relVsn, err := erlinit.ParseStartErl(data)
	if err != nil {
		return []string{fmt.Sprintf("%s %v", startErl, err)}
	}
	var problems []string
	vsnDir := path.Join("releases", relVsn)
	if !isDir(vsnDir) {
		problems = append(problems, fmt.Sprintf("%s names release version %s, but there is no %s/ (%s)", startErl, relVsn, vsnDir, found))
	} else {
		var boots []string
		for _, e := range t.Subtree(vsnDir) {
			if path.Dir(e.Path) == vsnDir && e.Kind != rootfs.Dir && strings.HasSuffix(e.Path, ".boot") {
				boots = append(boots, e.Path)
			}
		}
		if len(boots) == 0 {
			problems = append(problems, fmt.Sprintf("no boot file in %s/ (expected start.boot or <name>.boot)", vsnDir))
		}
	}
	erlexec := "erts-" + ertsVsn + "/bin/erlexec"
	if e := t.Lookup(erlexec); e == nil || (e.Kind != rootfs.File && e.Kind != rootfs.Hardlink) {
		problems = append(problems, fmt.Sprintf("%s names ERTS %s, but there is no %s (build the release with the target's ERTS included)", startErl, ertsVsn, erlexec))
	}
	return problems
}

// ScrubRelease returns the release without what Nerves'
// scrub-otp-release.sh (nerves_system_br) removes from it, in the
// script's order, and nothing more:
//
//  1. every empty directory (find -type d -empty -delete, depth first, so
//     a directory holding only empty directories goes too), except the
//     release root;
//  2. the regular files at the top of the release (find -maxdepth 1 -type
//     f -delete: "nothing is supposed to be there": tarballs, temporary
//     files); symlinks and directories there stay;
//  3. below releases/, everything named *.sh, *.bat, *.ps1, *gz or
//     *.script (start scripts, release tarballs, boot scripts' sources;
//     the .boot files stay). A directory with such a name goes only when
//     everything in it went, as find -delete's rmdir would.
//
// Directories emptied by steps 2 and 3 stay, as they do under Nerves.
// The script's last step, its check that executables were built for the
// target, is CheckELF; stripping them is not done. A .noscrub file
// changes nothing here (under Nerves it opts out of the executable check
// only). Application docs, sources and headers are kept: IEx's h/1 reads
// lib/<app>/doc/chunks. ScrubReleaseThorough removes more. The input is
// not changed.
func ScrubRelease(t *rootfs.Tree) *rootfs.Tree {
	return scrubNerves(t)
}

// Directories ScrubReleaseThorough removes from ERTS and from every
// application (Buildroot's package/erlang/erlang.mk removes src, c_src,
// include, doc, man, examples and emacs from each erts-* and lib/* on the
// target; obj is where NIF builds leave their objects).
var scrubAppDirs = []string{"c_src", "doc", "emacs", "examples", "include", "man", "obj", "src"}

// Programs ScrubReleaseThorough removes from erts-*/bin: compile-time and
// test tools (nerves_system_br's scrub-target.sh removed the same from
// the target before ERTS moved into the release).
var scrubERTSTools = []string{"ct_run", "dialyzer", "erlc", "escript", "typer"}

// ScrubReleaseThorough is an opt-in, smaller release than Nerves makes:
// ScrubRelease's removals, then
//
//   - src, c_src, include, doc, man, examples, emacs and obj directories
//     directly in erts-*/ and lib/*/ (this loses lib/*/doc/chunks, so IEx's
//     h/1 has no documentation to show on the device);
//   - erts-*/bin/{ct_run,dialyzer,erlc,escript,typer};
//   - static libraries (*.a) and C headers (*.h), except in an
//     application's priv directory, which is its own runtime data;
//   - then every directory left empty, except the release root.
//
// A directory holding a file named .noscrub opts itself and everything
// below it out of these extra rules (as Nerves' .noscrub opts a directory
// out of the executable check); a rule for a directory does not apply
// when a .noscrub is inside it. The input is not changed.
func ScrubReleaseThorough(t *rootfs.Tree) *rootfs.Tree {
	t = scrubNerves(t)
	noscrub := noscrubDirs(t)
	exempt := func(p string, dir bool) bool {
		return exemptByNoscrub(p, noscrub) || dir && slices.ContainsFunc(noscrub, func(d string) bool {
			return strings.HasPrefix(d, p+"/")
		})
	}
	removed := map[string]bool{}
	for _, e := range t.Entries {
		p := e.Path
		if removed[p] || p == "." {
			continue
		}
		if !thoroughJunk(e, strings.Split(p, "/"), exempt) {
			continue
		}
		removed[p] = true
		if e.Kind == rootfs.Dir {
			for _, e := range t.Subtree(p) {
				removed[e.Path] = true
			}
		}
	}
	return t.Without(removed).WithoutEmptyDirs()
}

// thoroughJunk says whether ScrubReleaseThorough removes e (whose path
// is parts), a directory with all that is below it.
func thoroughJunk(e *rootfs.Entry, parts []string, exempt func(p string, dir bool) bool) bool {
	name, top := parts[len(parts)-1], parts[0]
	inApp := len(parts) >= 2 && (top == "lib" && len(parts) >= 3 || strings.HasPrefix(top, "erts-"))
	switch {
	case e.Kind == rootfs.Dir:
		return inApp && appLevel(parts) && slices.Contains(scrubAppDirs, name) && !exempt(e.Path, true)
	case strings.HasPrefix(top, "erts-") && len(parts) == 3 && parts[1] == "bin" && slices.Contains(scrubERTSTools, name):
		return !exempt(e.Path, false)
	case strings.HasSuffix(name, ".a") || strings.HasSuffix(name, ".h"):
		return !inPriv(parts) && !exempt(e.Path, false)
	}
	return false
}

// scrubNerves applies scrub-otp-release.sh's removals (see ScrubRelease).
func scrubNerves(t *rootfs.Tree) *rootfs.Tree {
	t = t.WithoutEmptyDirs()
	removed := map[string]bool{}
	for _, e := range t.Entries {
		p := e.Path
		switch {
		case p == ".":
		case !strings.Contains(p, "/") && (e.Kind == rootfs.File || e.Kind == rootfs.Hardlink):
			removed[p] = true
		case strings.HasPrefix(p, "releases/") && e.Kind != rootfs.Dir && releaseJunk(path.Base(p)):
			removed[p] = true
		}
	}
	// find -delete visits a directory after its contents and removes it if
	// they all went.
	below := t.Subtree("releases")
	for i, e := range slices.Backward(below) {
		if e.Kind != rootfs.Dir || !releaseJunk(path.Base(e.Path)) {
			continue
		}
		emptied := true
		for _, c := range below[i+1:] {
			if !strings.HasPrefix(c.Path, e.Path+"/") {
				break
			}
			if !removed[c.Path] {
				emptied = false
				break
			}
		}
		if emptied {
			removed[e.Path] = true
		}
	}
	return t.Without(removed)
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
func noscrubDirs(t *rootfs.Tree) []string {
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
