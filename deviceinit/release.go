package deviceinit

import (
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/firmwright/firmwright/erlang/erlinit"
)

// SystemErlang is where a base's own Erlang lives; an ERTS the release
// does not include is looked for there.
const SystemErlang = "/usr/lib/erlang"

// Release is an Erlang release on the device and what erlexec needs to
// boot it.
type Release struct {
	// Root is the release directory (ROOTDIR, RELEASE_ROOT): it holds
	// lib/ and releases/.
	Root string
	// Version is the release version: its files are in
	// Root/releases/Version.
	Version string
	// ERTS is the erts-<vsn> directory whose bin/erlexec runs it.
	ERTS string
	// Boot is the boot script, without ".boot".
	Boot string
	// SysConfig is sys.config without ".config", "" if there is none.
	SysConfig string
	// VMArgs is vm.args, "" if there is none.
	VMArgs string
}

// Erlexec is the program that starts the VM.
func (r *Release) Erlexec() string { return path.Join(r.ERTS, "bin/erlexec") }

// FindRelease finds the release as erlinit does. searchPath is erlinit's
// -r: directories separated by ":", the first that holds a release wins;
// a release is DIR/releases or DIR/NAME/releases. Its version comes from
// releases/start_erl.data, else it is the last directory in releases/
// in sort order. boot is erlinit's --boot ("" for the default): a name
// or path, relative to the version directory, with or without ".boot".
// Without it, or when it is missing, the boot script is start.boot, or
// the only .boot file, or the first of several in sort order. The ERTS is
// Root/erts-<vsn from start_erl.data>, else SystemErlang/erts-<vsn>, else
// the only erts-* in Root, else in SystemErlang. Choices that may
// surprise are written to log.
func FindRelease(sys System, log io.Writer, searchPath, boot string) (*Release, error) {
	var r *Release
	var ertsVsn string
	for _, dir := range strings.Split(searchPath, ":") {
		if dir == "" {
			continue
		}
		if r, ertsVsn = findIn(sys, log, dir, 1); r != nil {
			break
		}
	}
	if r == nil {
		return nil, fmt.Errorf("no release in %s (expected %s/releases/<version>)", searchPath, strings.Split(searchPath, ":")[0])
	}
	verDir := path.Join(r.Root, "releases", r.Version)
	var err error
	if r.Boot, err = findBoot(sys, log, verDir, boot); err != nil {
		return nil, err
	}
	if exists(sys, path.Join(verDir, "sys.config")) {
		r.SysConfig = path.Join(verDir, "sys")
	}
	if exists(sys, path.Join(verDir, "vm.args")) {
		r.VMArgs = path.Join(verDir, "vm.args")
	}
	if r.ERTS, err = findERTS(sys, r.Root, ertsVsn); err != nil {
		return nil, err
	}
	if !exists(sys, r.Erlexec()) {
		return nil, fmt.Errorf("%s is missing: the release's ERTS is incomplete", r.Erlexec())
	}
	return r, nil
}

// findIn looks for a release in dir and, depth levels down, in its
// subdirectories, and returns it with the ERTS version start_erl.data
// names, if any.
func findIn(sys System, log io.Writer, dir string, depth int) (*Release, string) {
	if isDir(sys, path.Join(dir, "releases")) {
		if vsn, erts := releaseVersion(sys, log, path.Join(dir, "releases")); vsn != "" {
			return &Release{Root: dir, Version: vsn}, erts
		}
	}
	if depth > 0 {
		for _, sub := range subdirs(sys, dir) {
			if r, erts := findIn(sys, log, path.Join(dir, sub), depth-1); r != nil {
				return r, erts
			}
		}
	}
	return nil, ""
}

// releaseVersion reads releases/start_erl.data; without a usable one it
// takes the last version directory in sort order.
func releaseVersion(sys System, log io.Writer, releases string) (vsn, ertsVsn string) {
	startErl := path.Join(releases, "start_erl.data")
	if data, err := sys.ReadFile(startErl); err == nil {
		e, v, err := erlinit.ParseStartErl(data)
		switch {
		case err != nil:
			fmt.Fprintf(log, "deviceinit: %s %v\n", startErl, err)
		case !isDir(sys, path.Join(releases, v)):
			fmt.Fprintf(log, "deviceinit: %s names release %s, but %s/%s is not a directory\n", startErl, v, releases, v)
		default:
			return v, e
		}
	}
	dirs := subdirs(sys, releases)
	if len(dirs) == 0 {
		return "", ""
	}
	return dirs[len(dirs)-1], ""
}

// findBoot picks the boot script in verDir and returns it without
// ".boot".
func findBoot(sys System, log io.Writer, verDir, boot string) (string, error) {
	if boot != "" {
		p := boot
		if !path.IsAbs(p) {
			p = path.Join(verDir, p)
		}
		p = strings.TrimSuffix(p, ".boot")
		if exists(sys, p+".boot") {
			return p, nil
		}
		fmt.Fprintf(log, "deviceinit: boot script %s.boot not found: looking for another\n", p)
	}
	if exists(sys, path.Join(verDir, "start.boot")) {
		return path.Join(verDir, "start"), nil
	}
	var boots []string
	entries, _ := sys.ReadDir(verDir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".boot") && !e.IsDir() {
			boots = append(boots, e.Name())
		}
	}
	if len(boots) == 0 {
		return "", fmt.Errorf("no boot script (*.boot) in %s", verDir)
	}
	slices.Sort(boots)
	if len(boots) > 1 {
		fmt.Fprintf(log, "deviceinit: %s has no start.boot but %s: using %s\n", verDir, strings.Join(boots, ", "), boots[0])
	}
	return path.Join(verDir, strings.TrimSuffix(boots[0], ".boot")), nil
}

// findERTS picks the erts-<vsn> directory.
func findERTS(sys System, root, vsn string) (string, error) {
	if vsn != "" {
		for _, dir := range []string{root, SystemErlang} {
			if p := path.Join(dir, "erts-"+vsn); isDir(sys, p) {
				return p, nil
			}
		}
	}
	for _, dir := range []string{root, SystemErlang} {
		var found []string
		for _, sub := range subdirs(sys, dir) {
			if strings.HasPrefix(sub, "erts-") {
				found = append(found, sub)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return path.Join(dir, found[0]), nil
		}
		return "", fmt.Errorf("several ERTS in %s (%s) and no start_erl.data naming one", dir, strings.Join(found, ", "))
	}
	want := "erts-*"
	if vsn != "" {
		want = "erts-" + vsn
	}
	return "", fmt.Errorf("no ERTS: neither %s/%s nor %s/%s exists", root, want, SystemErlang, want)
}

// Command is the command line and environment that boot the release in
// the foreground, as erlinit builds them: erlexec with the boot script,
// $RELEASE_LIB (mix releases' boot scripts load from there), sys.config
// and vm.args, no distribution. env (NAME=VALUE, erlinit's -e) is added
// last and replaces a variable of the same name.
func (r *Release) Command(env []string) (argv, environ []string) {
	argv = []string{r.Erlexec(), "-boot", r.Boot, "-boot_var", "RELEASE_LIB", path.Join(r.Root, "lib")}
	if r.SysConfig != "" {
		argv = append(argv, "-config", r.SysConfig)
	}
	if r.VMArgs != "" {
		argv = append(argv, "-args_file", r.VMArgs)
	}
	environ = []string{
		"HOME=/root",
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm-256color",
		"ROOTDIR=" + r.Root,
		"BINDIR=" + path.Join(r.ERTS, "bin"),
		"EMU=beam",
		"PROGNAME=erlexec",
		"RELEASE_ROOT=" + r.Root,
		"RELEASE_VSN=" + r.Version,
		"RELEASE_TMP=/tmp",
	}
	if r.SysConfig != "" {
		environ = append(environ, "RELEASE_SYS_CONFIG="+r.SysConfig)
	}
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if i := slices.IndexFunc(environ, func(e string) bool { return strings.HasPrefix(e, name+"=") }); i >= 0 {
			environ[i] = kv
		} else {
			environ = append(environ, kv)
		}
	}
	return argv, environ
}

func exists(sys System, p string) bool {
	_, err := sys.Stat(p)
	return err == nil
}

func isDir(sys System, p string) bool {
	fi, err := sys.Stat(p)
	return err == nil && fi.IsDir()
}

// subdirs lists the directories in dir (following symbolic links), in
// sort order, without hidden ones.
func subdirs(sys System, dir string) []string {
	entries, _ := sys.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") && isDir(sys, path.Join(dir, e.Name())) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out
}
