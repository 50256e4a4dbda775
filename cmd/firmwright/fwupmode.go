package main

import (
	"bytes"
	"crypto/ed25519"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/fwup/mmc"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/cstr"
)

// fwupUsage is fwup 1.16.0's help text, printed for -h and on bad usage.
//
//go:embed fwup-usage.txt
var fwupUsage string

// system is everything a command takes from the outside world, so that
// tests can run the CLI in-process.
type system struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            map[string]string
	now            func() time.Time
	rand           io.Reader
	prog           string // how getopt names the program in its messages
	// mmc is the machine's memory cards; nil means the real ones.
	mmc *mmc.System
	// handshake is --exit-handshake: on exit, 0x1A and the status go to
	// stdout and stdin is read to its end (for Erlang ports).
	handshake bool
}

// cLong reads a number as strtol(s, 0, 0) does.
func cLong(s string) int64 {
	v, _, _ := cstr.Strtoull(s)
	return int64(v)
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
}

// fwupExit ends fwup mode with a status; fwup's fwup_errx and fwup_exit.
type fwupExit int

// fwupRun is one invocation of fwup mode.
type fwupRun struct {
	sys          *system
	framing      bool
	progressMode int
}

// output writes a message as fwup_output does: a framed packet, or the text.
func (r *fwupRun) output(kind string, text string) { r.outputCode(kind, 0, text) }

func (r *fwupRun) outputCode(kind string, code uint16, text string) {
	if r.framing {
		var hdr [8]byte
		binary.BigEndian.PutUint32(hdr[:], uint32(len(text)+4))
		copy(hdr[4:6], kind)
		binary.BigEndian.PutUint16(hdr[6:], code)
		r.sys.stdout.Write(hdr[:])
	} else if r.progressMode == progressNormal && text != "" {
		// Start a clean line under the progress bar.
		io.WriteString(r.sys.stdout, "\r\033[K")
	}
	io.WriteString(r.sys.stdout, text)
}

// fail reports an error as fwup_errx does and ends the run.
func (r *fwupRun) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !r.framing {
		msg = "fwup: " + msg + "\n"
	}
	r.output("ER", msg)
	panic(fwupExit(1))
}

func (r *fwupRun) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !r.framing {
		msg = "fwup: " + msg + "\n"
	}
	r.output("WN", msg)
}

// runFwup speaks fwup's command line and returns its exit status.
func runFwup(sys *system, args []string) (status int) {
	r := &fwupRun{sys: sys}
	defer func() {
		if v := recover(); v != nil {
			code, ok := v.(fwupExit)
			if !ok {
				panic(v)
			}
			status = int(code)
		}
		if sys.handshake {
			sys.stdout.Write([]byte{0x1a, byte(status)})
			io.Copy(io.Discard, sys.stdin)
		}
	}()
	if len(args) == 0 {
		io.WriteString(sys.stdout, fwupUsage)
		return 1
	}
	var (
		command                      string
		input, output, task, metaKey string
		metaKeySet                   bool
		sparsePath                   string
		sparseSize                   = int64(4096)
		inputSet, outputSet          bool
		config                       = "fwupdate.conf"
		level                        = 9
		signingKey                   ed25519.PrivateKey
		publicKeys                   []ed25519.PublicKey
		easy                         = true
		quiet, numeric               bool
		ap                           = applyArgs{progressHigh: 100, unmount: true, verifyWrites: -1}
	)
	operands, ok := getopt(args, fwupShorts, fwupLongs, func(id, arg string) bool {
		switch id {
		case "a", "c", "g", "S", "l", "m", "V":
			command, easy = id, false
		case "f":
			config, easy = arg, false
		case "i":
			input, inputSet, easy = arg, true, false
		case "o":
			output, outputSet, easy = arg, true, false
		case "s":
			signingKey, easy = r.loadPrivate(arg), false
		case "private-key":
			signingKey, easy = r.parsePrivate(arg), false
		case "p":
			if len(publicKeys) < keys.MaxPublicKeys {
				publicKeys, easy = append(publicKeys, r.loadPublic(arg)), false
			} else {
				r.warn("Ignoring public key since only %d supported", keys.MaxPublicKeys)
			}
		case "public-key":
			if len(publicKeys) < keys.MaxPublicKeys {
				publicKeys = append(publicKeys, r.parsePublic(arg))
			} else {
				r.warn("Ignoring public key since only %d supported", keys.MaxPublicKeys)
			}
		case "metadata-key":
			metaKey, metaKeySet = arg, true
		case "t":
			task = arg
		case "d":
			ap.device = arg
		case "v":
			ap.verbose = true
		case "u":
			ap.unmount = true
		case "U":
			ap.unmount = false
		case "y":
			ap.accept = true
		case "unsafe":
			ap.unsafe = true
		case "enable-trim":
			ap.enableTrim = true
		case "progress-low":
			ap.progressLow = int(int32(cLong(arg)))
		case "progress-high":
			ap.progressHigh = int(int32(cLong(arg)))
		case "reboot-param-path":
			ap.rebootParamPath = arg
		case "exit-handshake":
			sys.handshake = true
		case "verify-writes":
			ap.verifyWrites = 1
		case "no-verify-writes":
			ap.verifyWrites = 0
		case "minimize-writes":
			ap.minimizeWrites = true
		case "no-minimize-writes":
			ap.minimizeWrites = false
		case "max-size":
			ap.maxSizeBlocks = uint64(cLong(arg))
		case "F":
			r.framing, easy = true, false
		case "q":
			quiet = true
		case "n":
			numeric = true
		case "h":
			io.WriteString(sys.stdout, fwupUsage)
			panic(fwupExit(0))
		case "version":
			fmt.Fprintln(sys.stdout, fwup.Version)
			panic(fwupExit(0))
		case "sparse-check":
			command, easy, sparsePath = "sparse-check", false, arg
		case "sparse-check-size":
			sparseSize = int64(int32(cLong(arg)))
		case "1", "2", "3", "4", "5", "6", "7", "8", "9":
			level = int(id[0] - '0')
		case "Z":
			// In fwup's optstring but unhandled: usage, exit 1.
			io.WriteString(sys.stdout, fwupUsage)
			panic(fwupExit(1))
		case "D":
			cards, _ := r.mmc().Detect()
			r.output("OK", mmc.DetectOutput(cards))
			panic(fwupExit(0))
		case "z":
			r.output("OK", mmc.SelectedOutput(r.selectCard()))
			panic(fwupExit(0))
		}
		return true
	}, func(msg string) { fmt.Fprintf(sys.stderr, "%s: %s\n", sys.prog, msg) })
	if !ok {
		io.WriteString(sys.stdout, fwupUsage)
		return 1
	}
	if quiet && numeric {
		r.fail("pick either -n or -q, but not both")
	}
	if easy && len(operands) == 1 {
		command, input, inputSet = "a", operands[0], true
		if task == "" {
			task = "complete"
		}
		operands = nil
	}
	if len(operands) > 0 {
		r.fail("unexpected parameter: %s", operands[0])
	}
	if input == "-" {
		inputSet = false
	}
	if output == "-" {
		outputSet = false
	}
	switch command {
	case "":
		r.fail("specify one of -a, -c, -l, -m, -S, -V, or -z")
	case "c":
		r.create(config, output, outputSet, level, signingKey)
	case "g":
		r.genKeys(output, outputSet)
	case "S":
		r.sign(input, inputSet, output, outputSet, signingKey)
	case "V":
		if !inputSet {
			r.fail("Specify an input firmware file")
		}
		msg, err := fwup.Verify(r.open(input, inputSet), input, publicKeys, sys.env)
		if err != nil {
			r.fail("%s", archiveMessage(err))
		}
		r.output("OK", msg)
	case "l":
		m := r.readMeta(input, inputSet, publicKeys)
		var b bytes.Buffer
		for _, t := range m.Tasks() {
			b.WriteString(t + "\n")
		}
		r.output("OK", b.String())
	case "m":
		m := r.readMeta(input, inputSet, publicKeys)
		if metaKeySet {
			v, ok := m.Value(metaKey)
			if !ok {
				v = "(null)" // what fwup's printf makes of a missing key
			}
			r.output("OK", v+"\n")
		} else {
			r.output("OK", m.Metadata())
		}
	case "a":
		ap.input, ap.inputSet, ap.task, ap.publicKeys = input, inputSet, task, publicKeys
		ap.quiet, ap.numeric = quiet, numeric
		r.applyFw(ap)
	case "sparse-check":
		if err := sparseCheck(sparsePath, sparseSize); err != nil {
			r.fail("%s", err)
		}
		r.output("OK", "Sparse files supported\n")
	}
	return 0
}

// stdin is the archive on standard input, unframed under --framing.
func (r *fwupRun) stdin() io.Reader {
	if r.framing {
		return &framedReader{r: r.sys.stdin}
	}
	return r.sys.stdin
}

// open returns the input archive: a file, or stdin.
func (r *fwupRun) open(name string, isFile bool) io.Reader {
	if !isFile {
		return r.stdin()
	}
	f, err := os.Open(name)
	if err != nil {
		r.fail("Failed to open '%s'", name)
	}
	return f
}

func (r *fwupRun) readMeta(input string, isFile bool, pubs []ed25519.PublicKey) *fwup.Meta {
	m, err := fwup.ReadMeta(archive.NewReader(r.open(input, isFile)), input, pubs, r.sys.env)
	if err != nil {
		r.fail("%s", archiveMessage(err))
	}
	return m
}

// archiveMessage words archive errors as libarchive does for fwup.
func archiveMessage(err error) string {
	if errors.Is(err, archive.ErrFormat) {
		if errors.Is(err, archive.ErrTruncated) {
			return "ZIP decompression failed (-5)"
		}
		return "Unrecognized archive format"
	}
	return err.Error()
}

// creationTime is when fwup says an archive was made: SOURCE_DATE_EPOCH,
// else NOW (YYYY-MM-DDTHH:MM:SSZ), else the clock.
func creationTime(env map[string]string, now func() time.Time) time.Time {
	if s, ok := env["SOURCE_DATE_EPOCH"]; ok {
		n, _ := strconv.ParseUint(s, 0, 64)
		return time.Unix(int64(n), 0).UTC()
	}
	if t, err := time.Parse("2006-01-02T15:04:05Z", env["NOW"]); err == nil {
		return t
	}
	return now().UTC()
}

func (r *fwupRun) create(config, output string, toFile bool, level int, key ed25519.PrivateKey) {
	var data []byte
	var err error
	name, dir := config, filepath.Dir(config)
	if config == "-" {
		name, dir = "FILE", "."
		data, err = io.ReadAll(r.sys.stdin)
	} else {
		data, err = os.ReadFile(config)
	}
	if err != nil {
		r.fail("Error opening configuration file '%s'", config)
	}
	opts := fwup.CreateOptions{Env: r.sys.env, Name: name, Dir: dir, Time: creationTime(r.sys.env, r.sys.now), Level: level, Key: key}
	plan, err := fwup.Prepare(data, opts)
	if err != nil {
		var cerr *conf.Error
		if errors.As(err, &cerr) {
			fmt.Fprintf(r.sys.stderr, "%s\n", cerr)
			if config == "-" {
				r.fail("Error parsing configuration from stdin")
			}
			r.fail("Error parsing configuration file '%s'", config)
		}
		r.fail("%s", err)
	}
	if !toFile {
		// libarchive pads what it writes to stdout to whole 10240-byte
		// blocks; fwup's .fw on a pipe carries those zeros.
		w := &countingWriter{w: r.sys.stdout}
		if err := plan.Write(w, opts); err != nil {
			r.fail("%s", err)
		}
		if pad := (10240 - w.n%10240) % 10240; pad > 0 {
			r.sys.stdout.Write(make([]byte, pad))
		}
		return
	}
	err = atomicfile.Write(output, 0o644, func(w io.Writer) error { return plan.Write(w, opts) })
	if err != nil {
		r.fail("%s", err)
	}
}

func (r *fwupRun) sign(input string, inputSet bool, output string, outputSet bool, key ed25519.PrivateKey) {
	if !inputSet {
		r.fail("Specify an input firmware file")
	}
	if !outputSet {
		r.fail("Specify an output firmware file")
	}
	if key == nil {
		r.fail("Specify a signing key")
	}
	in := r.open(input, true)
	t := creationTime(r.sys.env, r.sys.now)
	err := atomicfile.Write(output, 0o644, func(w io.Writer) error {
		return fwup.Resign(w, in, key, t, filepath.Dir(output))
	})
	if err != nil {
		r.fail("%s", archiveMessage(err))
	}
	r.output("OK", "")
}

func (r *fwupRun) genKeys(prefix string, set bool) {
	if !set {
		prefix = "fwup-key"
	}
	pub, priv, err := keys.Generate(r.sys.rand)
	if err != nil {
		r.fail("Could not get enough random bytes")
	}
	pubPath, privPath := prefix+".pub", prefix+".priv"
	for _, k := range []struct {
		path string
		data []byte
	}{{pubPath, keys.Encode(pub)}, {privPath, keys.Encode(priv)}} {
		f, err := os.OpenFile(k.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			r.fail("Couldn't create '%s': %s", k.path, cstr.Strerror(err))
		}
		if _, err := f.Write(k.data); err != nil {
			f.Close()
			r.fail("Couldn't write to '%s': %s", k.path, cstr.Strerror(err))
		}
		if err := f.Close(); err != nil {
			r.fail("Couldn't write to '%s': %s", k.path, cstr.Strerror(err))
		}
	}
	pb, sb := trunc32(filepath.Base(pubPath)), trunc32(filepath.Base(privPath))
	r.output("OK", fmt.Sprintf("Firmware signing keys created and saved to '%s' and '%s'\n\n"+
		"Distribute '%s' with your system so that firmware updates can be\n"+
		"authenticated. Keep '%s' in a safe location.\n", pb, sb, pb, sb))
}

func trunc32(s string) string {
	if len(s) > 32 {
		return s[:32]
	}
	return s
}

// loadKey reads a key file as fwup does: its first Base64-length bytes.
func (r *fwupRun) loadKey(path, kind string, n int) []byte {
	f, err := os.Open(path)
	if err != nil {
		r.fail("Error opening %s key file '%s': %s", kind, path, cstr.Strerror(err))
	}
	defer f.Close()
	buf := make([]byte, (n+2)/3*4)
	m, _ := io.ReadFull(f, buf)
	return buf[:m]
}

func (r *fwupRun) loadPublic(path string) ed25519.PublicKey {
	k, err := keys.ParsePublic(r.loadKey(path, "public", ed25519.PublicKeySize))
	if err != nil {
		r.fail("Error reading or decoding public key from file '%s'", path)
	}
	return k
}

func (r *fwupRun) loadPrivate(path string) ed25519.PrivateKey {
	k, err := keys.ParsePrivate(r.loadKey(path, "private", ed25519.PrivateKeySize))
	if err != nil {
		r.fail("Error reading or decoding private key from file '%s'", path)
	}
	return k
}

func (r *fwupRun) parsePublic(s string) ed25519.PublicKey {
	k, err := keys.ParsePublic([]byte(s))
	if err != nil {
		r.fail("Error decoding public key")
	}
	return k
}

func (r *fwupRun) parsePrivate(s string) ed25519.PrivateKey {
	k, err := keys.ParsePrivate([]byte(s))
	if err != nil {
		r.fail("Error decoding private key")
	}
	return k
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
