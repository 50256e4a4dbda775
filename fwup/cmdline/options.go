package cmdline

import (
	"crypto/ed25519"
	"fmt"

	"github.com/firmwright/firmwright/internal/cstr"
)

// options is a parsed fwup command line.
type options struct {
	// command is the letter of the command (-a, -c, …), "sparse-check",
	// or an option fwup acts on at once (h, version, Z, D, z).
	command             string
	input, output       string
	inputSet, outputSet bool
	task                string
	config              string
	level               int
	signingKey          ed25519.PrivateKey
	publicKeys          []ed25519.PublicKey
	metaKey             string
	metaKeySet          bool
	sparsePath          string
	sparseSize          int64
	// easy is fwup's easy mode: no option but -d, -t and the like, and one
	// operand, the archive to apply.
	easy           bool
	quiet, numeric bool
	apply          applyArgs
}

func defaultOptions() *options {
	return &options{config: "fwupdate.conf", level: 9, sparseSize: 4096, easy: true,
		apply: applyArgs{progressHigh: 100, unmount: true, verifyWrites: -1}}
}

const fwupShorts = "acd:DEf:Fghi:lmno:p:qSs:t:VvUuyZz123456789"

var fwupLongs = []longOpt{
	{"apply", false, "a"}, {"create", false, "c"}, {"detect", false, "D"}, {"eject", false, "E"},
	{"no-eject", false, "no-eject"}, {"enable-trim", false, "enable-trim"},
	{"exit-handshake", false, "exit-handshake"}, {"framing", false, "F"}, {"gen-keys", false, "g"},
	{"help", false, "h"}, {"metadata-key", true, "metadata-key"}, {"list", false, "l"},
	{"max-size", true, "max-size"}, {"metadata", false, "m"}, {"minimize-writes", false, "minimize-writes"},
	{"no-minimize-writes", false, "no-minimize-writes"}, {"private-key", true, "private-key"},
	{"private-key-file", true, "s"}, {"public-key", true, "public-key"},
	// fwup's table spells this with a trailing space, so only an
	// abbreviation (such as the full name) matches it.
	{"public-key-file ", true, "p"},
	{"progress-low", true, "progress-low"}, {"progress-high", true, "progress-high"},
	{"quiet", false, "q"}, {"reboot-param-path", true, "reboot-param-path"},
	{"sparse-check", true, "sparse-check"}, {"sparse-check-size", true, "sparse-check-size"},
	{"sign", false, "S"}, {"task", true, "t"}, {"unmount", false, "u"}, {"no-unmount", false, "U"},
	{"unsafe", false, "unsafe"}, {"verbose", false, "v"}, {"verify", false, "V"},
	{"verify-writes", false, "verify-writes"}, {"no-verify-writes", false, "no-verify-writes"},
	{"version", false, "version"},
	// firmwright's own: not in fwup.
	{"verify-before-write", false, "verify-before-write"},
}

// parse reads the command line as fwup does, option by option: an option
// that fails (a key file that does not decode) stops it there with its
// error, and the options fwup acts on at once stop it as the command.
// --framing takes effect for the messages of the options after it.
func (r *run) parse(args []string) (*options, []string, error) {
	o := defaultOptions()
	var failed error
	operands, ok := getopt(args, fwupShorts, fwupLongs, func(id, arg string) bool {
		h, known := optionHandlers[id]
		if !known {
			return true // in the table, ignored by fwup (-E, --no-eject)
		}
		stop, err := h(r, o, arg)
		failed = err
		return !stop && err == nil
	}, func(msg string) { fmt.Fprintf(r.sys.Stderr, "%s: %s\n", r.sys.Prog, msg) })
	if failed != nil {
		return nil, nil, failed
	}
	if !ok {
		return nil, nil, r.usageError()
	}
	return o, operands, nil
}

func (r *run) usageError() error {
	fmt.Fprint(r.sys.Stdout, usage)
	return silentExit(1)
}

// An optionHandler applies one option; stop ends parsing after it.
type optionHandler func(r *run, o *options, arg string) (stop bool, err error)

// optionHandlers holds every option fwup acts on, by getopt id.
var optionHandlers = allOptionHandlers()

func allOptionHandlers() map[string]optionHandler {
	optionHandlers := map[string]optionHandler{}
	for _, c := range []string{"a", "c", "g", "S", "l", "m", "V"} {
		optionHandlers[c] = setCommand(c)
	}
	for _, c := range []string{"h", "version", "Z", "D", "z"} {
		optionHandlers[c] = immediateCommand(c)
	}
	for level := 1; level <= 9; level++ {
		optionHandlers[fmt.Sprint(level)] = set(func(o *options, _ string) { o.level = level })
	}
	for id, h := range fileOptions {
		optionHandlers[id] = h
	}
	for id, f := range applyOptions {
		optionHandlers[id] = set(func(o *options, arg string) { f(&o.apply, arg) })
	}
	for id, f := range otherOptions {
		optionHandlers[id] = set(f)
	}
	return optionHandlers
}

func set(f func(o *options, arg string)) optionHandler {
	return func(_ *run, o *options, arg string) (bool, error) { f(o, arg); return false, nil }
}

func setCommand(c string) optionHandler {
	return set(func(o *options, _ string) { o.command, o.easy = c, false })
}

func immediateCommand(c string) optionHandler {
	return func(_ *run, o *options, _ string) (bool, error) { o.command = c; return true, nil }
}

// fileOptions name files and keys, and leave easy mode.
var fileOptions = map[string]optionHandler{
	"f": set(func(o *options, arg string) { o.config, o.easy = arg, false }),
	"i": set(func(o *options, arg string) { o.input, o.inputSet, o.easy = arg, true, false }),
	"o": set(func(o *options, arg string) { o.output, o.outputSet, o.easy = arg, true, false }),
	"F": func(r *run, o *options, _ string) (bool, error) { r.framing, o.easy = true, false; return false, nil },
	"s": func(r *run, o *options, arg string) (bool, error) {
		k, err := r.loadPrivate(arg)
		o.signingKey, o.easy = k, false
		return false, err
	},
	"private-key": func(r *run, o *options, arg string) (bool, error) {
		k, err := r.parsePrivate(arg)
		o.signingKey, o.easy = k, false
		return false, err
	},
	"p": func(r *run, o *options, arg string) (bool, error) {
		if len(o.publicKeys) >= maxPublicKeys {
			r.warn("Ignoring public key since only %d supported", maxPublicKeys)
			return false, nil
		}
		k, err := r.loadPublic(arg)
		o.publicKeys, o.easy = append(o.publicKeys, k), false
		return false, err
	},
	"public-key": func(r *run, o *options, arg string) (bool, error) {
		if len(o.publicKeys) >= maxPublicKeys {
			r.warn("Ignoring public key since only %d supported", maxPublicKeys)
			return false, nil
		}
		k, err := r.parsePublic(arg)
		o.publicKeys = append(o.publicKeys, k)
		return false, err
	},
	"exit-handshake": func(r *run, _ *options, _ string) (bool, error) { r.handshake = true; return false, nil },
	"sparse-check":   set(func(o *options, arg string) { o.command, o.easy, o.sparsePath = "sparse-check", false, arg }),
}

// otherOptions set a value and keep easy mode.
var otherOptions = map[string]func(o *options, arg string){
	"metadata-key":      func(o *options, arg string) { o.metaKey, o.metaKeySet = arg, true },
	"t":                 func(o *options, arg string) { o.task = arg },
	"q":                 func(o *options, _ string) { o.quiet = true },
	"n":                 func(o *options, _ string) { o.numeric = true },
	"sparse-check-size": func(o *options, arg string) { o.sparseSize = int64(int32(cLong(arg))) },
}

// applyOptions shape an apply and keep easy mode.
var applyOptions = map[string]func(a *applyArgs, arg string){
	"d":                   func(a *applyArgs, arg string) { a.device = arg },
	"v":                   func(a *applyArgs, _ string) { a.verbose = true },
	"u":                   func(a *applyArgs, _ string) { a.unmount = true },
	"U":                   func(a *applyArgs, _ string) { a.unmount = false },
	"y":                   func(a *applyArgs, _ string) { a.accept = true },
	"unsafe":              func(a *applyArgs, _ string) { a.unsafe = true },
	"enable-trim":         func(a *applyArgs, _ string) { a.enableTrim = true },
	"progress-low":        func(a *applyArgs, arg string) { a.progressLow = int(int32(cLong(arg))) },
	"progress-high":       func(a *applyArgs, arg string) { a.progressHigh = int(int32(cLong(arg))) },
	"reboot-param-path":   func(a *applyArgs, arg string) { a.rebootParamPath = arg },
	"verify-writes":       func(a *applyArgs, _ string) { a.verifyWrites = 1 },
	"no-verify-writes":    func(a *applyArgs, _ string) { a.verifyWrites = 0 },
	"minimize-writes":     func(a *applyArgs, _ string) { a.minimizeWrites = true },
	"no-minimize-writes":  func(a *applyArgs, _ string) { a.minimizeWrites = false },
	"max-size":            func(a *applyArgs, arg string) { a.maxSizeBlocks = uint64(cLong(arg)) },
	"verify-before-write": func(a *applyArgs, _ string) { a.verifyFirst = true },
}

// cLong reads a number as strtol(s, 0, 0) does.
func cLong(s string) int64 {
	v, _, _ := cstr.Strtoull(s)
	return int64(v)
}
