package erlang

import (
	"fmt"
	"path"
	"strings"

	"github.com/firmwright/firmwright/rootfs"
)

// maxBootFile bounds the boot file BootOrder reads into memory.
const maxBootFile = 64 << 20

// BootOrder returns the order in which a device reads the image's files
// while it boots, for the filesystem writer to lay them out (and read
// them ahead) in that order: the paths are tree paths, without a
// leading slash, as a mksquashfs sort file has them.
//
// bootFile is the boot script's path in t, <release>/releases/<vsn>/
// <name>.boot (Nerves starts shoehorn.boot when it is there, through
// erlinit's --boot shoehorn, and start.boot otherwise). The order is:
//
//  1. sbin/init and etc/erlinit.config;
//  2. the .beam file of every module the boot script loads ({primLoad,
//     Mods} instructions), in boot-script order, each found in the
//     directories of the {path, Dirs} instruction before it, the first
//     that has it as the code server does ("$ROOT/lib/app-vsn/ebin" and
//     "$RELEASE_LIB/app-vsn/ebin" both mean <release>/lib/app-vsn/ebin);
//  3. the .app files of those ebin directories, in the order the
//     directories first appear in the script;
//  4. the files under those applications' priv directories, in tree
//     order.
//
// This is Nerves.Release's rootfs.priorities (lib/nerves/release.ex,
// write_rootfs_priorities) with two differences: Nerves lists each
// primLoad's modules in reverse, and never finds the OTP applications'
// modules (it joins "lib" to "$ROOT"-relative paths that already start
// with lib/), so only the project's own modules get priority there.
//
// Paths that are not in t are left out. A boot file that is not a boot
// script is an error.
func BootOrder(t *rootfs.Tree, bootFile string) ([]string, error) {
	bootFile = rootfs.Clean(bootFile)
	vsnDir := path.Dir(bootFile)
	if path.Base(path.Dir(vsnDir)) != "releases" || path.Ext(bootFile) != ".boot" {
		return nil, fmt.Errorf("boot file %s: expected <release>/releases/<version>/<name>.boot", bootFile)
	}
	root := path.Dir(path.Dir(vsnDir))
	data, err := t.ReadFile(bootFile, maxBootFile)
	if err != nil {
		return nil, err
	}
	instrs, err := bootInstructions(data)
	if err != nil {
		return nil, fmt.Errorf("boot file %s: %w", bootFile, err)
	}

	var order []string
	seen := map[string]bool{}
	add := func(p string) {
		if e := t.Lookup(p); e != nil && (e.Kind == rootfs.File || e.Kind == rootfs.Hardlink) && !seen[p] {
			seen[p] = true
			order = append(order, p)
		}
	}
	add(rootfs.InitPath)
	add(rootfs.ErlinitConfigPath)

	var dirs, ebins []string
	seenDir := map[string]bool{}
	for _, in := range instrs {
		switch in.op {
		case "path":
			dirs = dirs[:0]
			for _, d := range in.args {
				if d = releaseDir(root, d); d == "" {
					continue
				}
				dirs = append(dirs, d)
				if !seenDir[d] {
					seenDir[d] = true
					ebins = append(ebins, d)
				}
			}
		case "primLoad":
			for _, mod := range in.args {
				for _, d := range dirs {
					p := path.Join(d, mod+".beam")
					if e := t.Lookup(p); e != nil {
						add(p)
						break
					}
				}
			}
		}
	}
	for _, d := range ebins {
		for _, e := range t.Subtree(d) {
			if path.Dir(e.Path) == d && strings.HasSuffix(e.Path, ".app") {
				add(e.Path)
			}
		}
	}
	for _, d := range ebins {
		for _, e := range t.Subtree(path.Join(path.Dir(d), "priv")) {
			add(e.Path)
		}
	}
	return order, nil
}

// bootInstruction is a {path, Dirs} or {primLoad, Mods} instruction.
type bootInstruction struct {
	op   string
	args []string
}

// bootInstructions decodes a .boot file, {script, {Name, Vsn}, Instrs},
// and returns its path and primLoad instructions.
func bootInstructions(data []byte) ([]bootInstruction, error) {
	term, err := decodeETF(data)
	if err != nil {
		return nil, err
	}
	script, ok := term.(etfTuple)
	if !ok || len(script) != 3 || script[0] != etfAtom("script") {
		return nil, fmt.Errorf("not a boot script: expected {script, {Name, Vsn}, Instructions}")
	}
	list, ok := script[2].(etfList)
	if !ok {
		return nil, fmt.Errorf("not a boot script: its instructions are not a list")
	}
	var out []bootInstruction
	for i, raw := range list.Elems {
		in, ok := raw.(etfTuple)
		if !ok || len(in) != 2 || (in[0] != etfAtom("path") && in[0] != etfAtom("primLoad")) {
			continue
		}
		op := string(in[0].(etfAtom))
		args, ok := in[1].(etfList)
		if !ok {
			return nil, fmt.Errorf("instruction %d: {%s, _} does not hold a list", i+1, op)
		}
		bi := bootInstruction{op: op}
		for _, a := range args.Elems {
			var s string
			if op == "path" {
				s, ok = etfText(a)
			} else {
				var at etfAtom
				at, ok = a.(etfAtom)
				s = string(at)
			}
			if !ok {
				return nil, fmt.Errorf("instruction %d: {%s, _} holds %v", i+1, op, a)
			}
			bi.args = append(bi.args, s)
		}
		out = append(out, bi)
	}
	return out, nil
}

// releaseDir maps a boot script's code path to a directory in the tree
// under the release root: "$ROOT/x" is root/x, "$RELEASE_LIB/x" (mix
// release's variable for the project's applications) is root/lib/x, and
// any other path ending in app-vsn/ebin is root/lib/app-vsn/ebin, the
// place a release keeps it. Anything else is "" (not in the release).
func releaseDir(root, dir string) string {
	switch {
	case strings.HasPrefix(dir, "$ROOT/"):
		return path.Join(root, rootfs.Clean(dir[len("$ROOT/"):]))
	case strings.HasPrefix(dir, "$RELEASE_LIB/"):
		return path.Join(root, "lib", rootfs.Clean(dir[len("$RELEASE_LIB/"):]))
	}
	dir = path.Clean(dir)
	if path.Base(dir) == "ebin" && path.Dir(dir) != "." && path.Dir(dir) != "/" {
		return path.Join(root, "lib", path.Base(path.Dir(dir)), "ebin")
	}
	return ""
}
