package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/mmc"
	"github.com/firmwright/firmwright/internal/cstr"
)

// applyArgs are the fwup options that shape an apply.
type applyArgs struct {
	input           string
	inputSet        bool
	task            string
	device          string
	publicKeys      []ed25519.PublicKey
	quiet, numeric  bool
	progressLow     int
	progressHigh    int
	unmount         bool
	accept          bool
	unsafe          bool
	verbose         bool
	enableTrim      bool
	verifyWrites    int // -1: the default for the target
	minimizeWrites  bool
	maxSizeBlocks   uint64
	rebootParamPath string
}

// progress modes, as fwup picks them.
const (
	progressOff = iota
	progressNumeric
	progressNormal
	progressFraming
)

// applyFw is fwup's -a.
func (r *fwupRun) applyFw(a applyArgs) {
	if a.task == "" {
		r.fail("specify a task (-t)")
	}
	if a.device == "" {
		a.device = r.autoselect(a.accept, a.inputSet)
	}
	switch {
	case a.quiet:
		r.progressMode = progressOff
	case r.framing:
		r.progressMode = progressFraming
	case a.numeric:
		r.progressMode = progressNumeric
	default:
		r.progressMode = progressNormal
	}
	var started time.Time
	prog := apply.NewProgress(a.progressLow, a.progressHigh, func(percent int, in, units, total int64) {
		r.drawProgress(percent, in, units, total)
	})
	prog.Started = func() {
		if r.progressMode == progressNormal {
			started = r.sys.now()
		}
	}

	target, copts, closeTarget := r.openTarget(a)
	in := r.stdin()
	name := ""
	if a.inputSet {
		f, err := os.Open(a.input)
		if err != nil {
			closeTarget()
			r.fail("%s", fmt.Sprintf("Failed to open '%s'", a.input))
		}
		defer f.Close()
		in, name = f, a.input
	}
	host := &realHost{}
	err := apply.Run(in, target, apply.Options{
		Task: a.task, Input: name, PublicKeys: a.publicKeys, Env: r.sys.env, Cache: copts,
		Unsafe: a.unsafe, Verbose: a.verbose, RebootParamPath: a.rebootParamPath, Progress: prog,
		Info: func(msg string) { r.warn("%s", msg) }, Host: host,
	})
	cerr := closeTarget()
	if err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		if !a.quiet {
			io.WriteString(r.sys.stderr, "\n")
		}
		r.fail("%s", archiveMessage(err))
	}
	if r.progressMode == progressNormal {
		io.WriteString(r.sys.stdout, "\nSuccess!\n")
		if !started.IsZero() {
			ms := int(r.sys.now().Sub(started).Milliseconds())
			if ms > 60000 {
				fmt.Fprintf(r.sys.stdout, "Elapsed time: %d min %02d s\n", ms/1000/60, ms/1000%60)
			} else {
				fmt.Fprintf(r.sys.stdout, "Elapsed time: %d.%03d s\n", ms/1000, ms%1000)
			}
		}
	}
	r.output("OK", "")
}

// drawProgress prints a percentage in the chosen mode.
func (r *fwupRun) drawProgress(percent int, in, units, total int64) {
	switch r.progressMode {
	case progressNumeric:
		fmt.Fprintf(r.sys.stdout, "%d\n", percent)
	case progressFraming:
		r.outputCode("PR", uint16(percent), "")
	case progressNormal:
		bar := strings.Repeat("=", max(0, min(50, percent*36/100)))
		if total <= 0 {
			fmt.Fprintf(r.sys.stdout, "\r%3d%% [%-36s]", percent, bar)
			return
		}
		fmt.Fprintf(r.sys.stdout, "\r%3d%% [%-36s] %s in / %s out     \b\b\b\b\b", percent, bar, mmc.FormatSize(in), mmc.FormatSize(units))
	}
}

// autoselect finds the one memory card to write and asks before using it.
func (r *fwupRun) autoselect(accept, inputIsFile bool) string {
	c := r.selectCard()
	if !accept {
		if !inputIsFile {
			r.fail("%s", mmc.StdinConfirmMessage(c))
		}
		io.WriteString(r.sys.stderr, mmc.ConfirmPrompt(c))
		if !mmc.Confirmed(r.sys.stdin) {
			r.fail("%s", mmc.AbortedMessage)
		}
	}
	return c.Path
}

// selectCard returns the single card detected (fwup's autoselect).
func (r *fwupRun) selectCard() mmc.Card {
	cards, _ := r.mmc().Detect()
	switch len(cards) {
	case 0:
		r.fail("%s", mmc.NoCardsMessage)
	case 1:
	default:
		io.WriteString(r.sys.stderr, mmc.TooManyCardsText(cards))
		panic(fwupExit(1))
	}
	return cards[0]
}

func (r *fwupRun) mmc() *mmc.System {
	if r.sys.mmc != nil {
		return r.sys.mmc
	}
	s := mmc.Host()
	s.Warn = func(msg string) { r.warn("%s", msg) }
	return s
}

// willBeRegularFile is fwup's test: an existing regular file, or a path
// that does not exist outside /dev.
func willBeRegularFile(path string) bool {
	st, err := os.Stat(path)
	if err == nil {
		return st.Mode().IsRegular()
	}
	return errors.Is(err, os.ErrNotExist) && !strings.HasPrefix(path, "/dev/")
}

// openImageFile opens an image file for applying, creating it, as fwup
// does: a size it already has is a soft end the apply may grow past, and
// a file without write permission is refused even to root, who could
// open it anyway.
func openImageFile(path string) (*os.File, apply.CacheOptions, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, apply.CacheOptions{}, err
	}
	st, err := f.Stat()
	if err == nil && st.Mode().Perm()&0o222 == 0 {
		err = fmt.Errorf("%s is read-only; make it writable to apply to it", path)
	}
	if err != nil {
		f.Close()
		return nil, apply.CacheOptions{}, err
	}
	return f, apply.CacheOptions{End: st.Size(), SoftEnd: st.Size() > 0}, nil
}

// openTarget opens the destination as fwup does and says what the cache
// should know of it.
func (r *fwupRun) openTarget(a applyArgs) (apply.Target, apply.CacheOptions, func() error) {
	var copts apply.CacheOptions
	verify := a.verifyWrites
	copts.MinimizeWrites = a.minimizeWrites
	regular := willBeRegularFile(a.device)
	var f *os.File
	var target apply.Target
	switch {
	case regular:
		var err error
		var end apply.CacheOptions
		if f, end, err = openImageFile(a.device); err == nil {
			copts.End, copts.SoftEnd = end.End, end.SoftEnd
		}
		if a.enableTrim {
			r.warn("ignoring --enable-trim since operating on a regular file")
			a.enableTrim = false
		}
		if a.maxSizeBlocks > 0 {
			copts.End, copts.SoftEnd = int64(a.maxSizeBlocks)*apply.BlockSize, false
		}
		if f != nil {
			target = f
		}
	case a.device == "/dev/null":
		f, _ = os.OpenFile(a.device, os.O_WRONLY, 0)
		verify, copts.MinimizeWrites = 0, false
		if f != nil {
			target = f
		}
	default:
		if a.unmount {
			if err := r.mmc().UnmountAll(a.device); err != nil {
				var pe *fs.PathError
				switch {
				case errors.Is(err, mmc.ErrUnmountFailed):
					panic(fwupExit(1)) // each failure was warned about
				case errors.As(err, &pe):
					r.fail("%s: %s", pe.Path, cstr.Strerror(err))
				}
				r.fail("%s", err)
			}
		}
		d, err := mmc.Open(a.device)
		if err == nil {
			copts.End = d.Size()
			if copts.End == 0 {
				r.warn("%s", mmc.SizeUnknownMessage(a.device))
			}
			if a.maxSizeBlocks > 0 && (copts.End == 0 || int64(a.maxSizeBlocks)*apply.BlockSize < copts.End) {
				copts.End = int64(a.maxSizeBlocks) * apply.BlockSize
			}
			target = d
			copts.HardwareTrim = a.enableTrim
			if verify < 0 {
				verify = 1
			}
			copts.VerifyWrites = verify == 1
			return target, copts, d.Close
		}
	}
	if target == nil {
		io.WriteString(r.sys.stderr, "\n")
		_, err := os.Stat(a.device)
		r.fail("%s", mmc.OpenFailedMessage(a.device, err == nil))
	}
	if verify < 0 {
		verify = 0
		if !regular {
			verify = 1
		}
	}
	copts.VerifyWrites = verify == 1
	return target, copts, f.Close
}
