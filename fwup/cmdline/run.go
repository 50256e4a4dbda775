package cmdline

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/archive"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/fwup/meta"
)

// usage is fwup 1.16.0's help text, printed for -h and on bad usage, but
// for where to report bugs: here, not to fwup.
//
//go:embed usage.txt
var usage string

// run is one invocation of fwup's command line.
type run struct {
	sys          *System
	writer       writerSide
	framing      bool
	handshake    bool
	progressMode int
}

// writerSide is -c, -S and -g, the commands that make a .fw or its keys.
// RunDevice leaves them out, and with them fwup's writer, the deflate
// encoders and the random source: a function value the device's main
// never sets is code its linker drops.
type writerSide struct {
	create, sign, genKeys func(r *run, o *options) error
}

// failure is an error fwup reports with fwup_errx: "fwup: TEXT" (or an ER
// packet), exit 1.
type failure struct{ msg string }

func (f *failure) Error() string { return f.msg }

// silentExit ends a run with a status and no further message: what fwup
// had to say went out already.
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// fail is fwup_errx.
func (r *run) fail(format string, args ...any) error {
	return &failure{msg: fmt.Sprintf(format, args...)}
}

// Run speaks fwup's command line (args without the program name) and
// returns its exit status.
func Run(sys *System, args []string) int {
	return runWith(sys, args, writerSide{
		create: func(r *run, o *options) error {
			return r.create(o.config, o.output, o.outputSet, o.level, o.signingKey)
		},
		sign: func(r *run, o *options) error {
			return r.sign(o.input, o.inputSet, o.output, o.outputSet, o.signingKey)
		},
		genKeys: func(r *run, o *options) error { return r.genKeys(o.output, o.outputSet) },
	})
}

// RunDevice is Run for the device binary (cmd/firmwright-device): fwup's
// command line without -c, -S and -g, which a device never runs.
func RunDevice(sys *System, args []string) int {
	return runWith(sys, args, writerSide{})
}

func runWith(sys *System, args []string, writer writerSide) int {
	r := &run{sys: sys, writer: writer}
	status := r.exit(r.main(args))
	if r.handshake {
		WriteExitHandshake(sys.Stdout, status)
		io.Copy(io.Discard, sys.Stdin)
	}
	return status
}

// exit reports how a run ended and returns its status.
func (r *run) exit(err error) int {
	var quiet silentExit
	switch {
	case err == nil:
		return 0
	case errors.As(err, &quiet):
		return int(quiet)
	}
	msg := err.Error()
	if !r.framing {
		msg = "fwup: " + msg + "\n"
	}
	r.output(KindError, msg)
	return 1
}

// output writes a message as fwup_output does: a framed packet, or the text.
func (r *run) output(kind string, text string) { r.outputCode(kind, 0, text) }

func (r *run) outputCode(kind string, code uint16, text string) {
	if r.framing {
		WriteMessage(r.sys.Stdout, Message{Kind: kind, Code: code, Text: text})
		return
	}
	if r.progressMode == progressNormal && text != "" {
		// Start a clean line under the progress bar.
		io.WriteString(r.sys.Stdout, "\r\033[K")
	}
	io.WriteString(r.sys.Stdout, text)
}

func (r *run) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !r.framing {
		msg = "fwup: " + msg + "\n"
	}
	r.output(KindWarning, msg)
}

func (r *run) main(args []string) error {
	if len(args) == 0 {
		io.WriteString(r.sys.Stdout, usage)
		return silentExit(1)
	}
	o, operands, err := r.parse(args)
	if err != nil {
		return err
	}
	if done, err := r.immediate(o.command); done {
		return err
	}
	if o.quiet && o.numeric {
		return r.fail("pick either -n or -q, but not both")
	}
	if o.easy && len(operands) == 1 {
		o.command, o.input, o.inputSet = "a", operands[0], true
		if o.task == "" {
			o.task = "complete"
		}
		operands = nil
	}
	if len(operands) > 0 {
		return r.fail("unexpected parameter: %s", operands[0])
	}
	if o.input == "-" {
		o.inputSet = false
	}
	if o.output == "-" {
		o.outputSet = false
	}
	return r.dispatch(o)
}

// immediate runs the options fwup acts on as soon as it parses them
// (the rest of the command line is never looked at).
func (r *run) immediate(command string) (done bool, err error) {
	switch command {
	case "h":
		io.WriteString(r.sys.Stdout, usage)
		return true, nil
	case "version":
		fmt.Fprintln(r.sys.Stdout, meta.Version)
		return true, nil
	case "Z":
		// In fwup's optstring but unhandled: usage, exit 1.
		io.WriteString(r.sys.Stdout, usage)
		return true, silentExit(1)
	case "D":
		cards, _ := r.cards().Detect()
		r.output(KindOK, DetectOutput(cards))
		return true, nil
	case "z":
		c, err := r.selectCard()
		if err == nil {
			r.output(KindOK, SelectedOutput(c))
		}
		return true, err
	}
	return false, nil
}

func (r *run) dispatch(o *options) error {
	switch o.command {
	case "c", "S", "g":
		write := map[string]func(*run, *options) error{"c": r.writer.create, "S": r.writer.sign, "g": r.writer.genKeys}[o.command]
		if write == nil {
			return r.fail("-%s: this is firmwright's device build, which applies firmware but does not create, sign or make keys for it: run firmwright on the host", o.command)
		}
		return write(r, o)
	case "V":
		return r.verify(o)
	case "l", "m":
		return r.showMeta(o)
	case "a":
		o.apply.input, o.apply.inputSet, o.apply.task, o.apply.publicKeys = o.input, o.inputSet, o.task, o.publicKeys
		o.apply.quiet, o.apply.numeric = o.quiet, o.numeric
		return r.applyFw(o.apply)
	case "sparse-check":
		if err := sparseCheck(o.sparsePath, o.sparseSize); err != nil {
			return r.fail("%s", err)
		}
		r.output(KindOK, "Sparse files supported\n")
		return nil
	}
	return r.fail("specify one of -a, -c, -l, -m, -S, -V, or -z")
}

func (r *run) verify(o *options) error {
	if !o.inputSet {
		return r.fail("Specify an input firmware file")
	}
	in, err := r.open(o.input, o.inputSet)
	if err != nil {
		return err
	}
	defer in.Close()
	msg, err := fwup.Verify(in, o.input, o.publicKeys, r.sys.Env)
	if err != nil {
		return r.fail("%s", ArchiveMessage(err))
	}
	r.output(KindOK, msg)
	return nil
}

// showMeta is -l (the tasks) and -m (the metadata, or one key of it).
func (r *run) showMeta(o *options) error {
	in, err := r.open(o.input, o.inputSet)
	if err != nil {
		return err
	}
	defer in.Close()
	m, err := meta.Read(archive.NewReader(in), o.input, o.publicKeys, r.sys.Env)
	if err != nil {
		return r.fail("%s", ArchiveMessage(err))
	}
	switch {
	case o.command == "l":
		var b bytes.Buffer
		for _, t := range m.Tasks() {
			b.WriteString(t + "\n")
		}
		r.output(KindOK, b.String())
	case o.metaKeySet:
		v, ok := m.Value(o.metaKey)
		if !ok {
			v = "(null)" // what fwup's printf makes of a missing key
		}
		r.output(KindOK, v+"\n")
	default:
		r.output(KindOK, m.Metadata())
	}
	return nil
}

// stdin is the archive on standard input, unframed under --framing.
func (r *run) stdin() io.Reader {
	if r.framing {
		return NewFramedReader(r.sys.Stdin)
	}
	return r.sys.Stdin
}

// open returns the input archive: a file, or stdin.
func (r *run) open(name string, isFile bool) (io.ReadCloser, error) {
	if !isFile {
		return io.NopCloser(r.stdin()), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, r.fail("Failed to open '%s'", name)
	}
	return f, nil
}

// ArchiveMessage words archive errors as libarchive does for fwup.
func ArchiveMessage(err error) string {
	var ae *archive.Error
	if errors.As(err, &ae) && ae.Libarchive != "" {
		return ae.Libarchive
	}
	if errors.Is(err, archive.ErrFormat) {
		if errors.Is(err, archive.ErrTruncated) {
			return "ZIP decompression failed (-5)"
		}
		return "Unrecognized archive format"
	}
	return err.Error()
}

// maxPublicKeys is how many -p keys fwup keeps.
const maxPublicKeys = keys.MaxPublicKeys
