package cmdline

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/mmc"
	"github.com/firmwright/firmwright/internal/ctxio"
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
	// chosen is the card autoselect found and the user accepted, so the
	// open can check it is still the card there.
	chosen *mmc.Identity
	// verifyFirst (--verify-before-write, firmwright's) checks the whole
	// archive file before writing anything.
	verifyFirst bool
}

// progress modes, as fwup picks them.
const (
	progressOff = iota
	progressNumeric
	progressNormal
	progressFraming
)

// applyFw is fwup's -a.
func (r *run) applyFw(a applyArgs) error {
	if a.task == "" {
		return r.fail("specify a task (-t)")
	}
	if a.verifyFirst {
		if err := r.verifyFirst(a); err != nil {
			return err
		}
	}
	if a.device == "" {
		c, err := r.autoselect(a.accept, a.inputSet)
		if err != nil {
			return err
		}
		a.device = c.Path
		if c.ID.Rdev != 0 {
			a.chosen = &c.ID
		}
	}
	r.progressMode = pickProgressMode(a, r.framing)
	var started time.Time
	prog := apply.NewProgress(a.progressLow, a.progressHigh, r.drawProgress)
	prog.Started = func() {
		if r.progressMode == progressNormal {
			started = r.sys.Now()
		}
	}
	target, copts, closeTarget, err := r.openTarget(a)
	if err != nil {
		return err
	}
	in, name, closeInput, err := r.applyInput(a)
	if err != nil {
		closeTarget()
		return err
	}
	err = apply.Run(ctxio.Reader(r.sys.Ctx(), in), target, apply.Options{
		Task: a.task, Input: name, PublicKeys: a.publicKeys, Env: r.sys.Env, Cache: copts,
		Unsafe: a.unsafe, Verbose: a.verbose, RebootParamPath: a.rebootParamPath, Progress: prog,
		Info: func(msg string) { r.warn("%s", msg) }, Host: Machine{},
	})
	closeInput()
	if cerr := closeTarget(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		if !a.quiet {
			io.WriteString(r.sys.Stderr, "\n")
		}
		return r.fail("%s", ArchiveMessage(err))
	}
	if r.progressMode == progressNormal {
		io.WriteString(r.sys.Stdout, "\nSuccess!\n")
		if !started.IsZero() {
			io.WriteString(r.sys.Stdout, elapsed(r.sys.Now().Sub(started)))
		}
	}
	r.output(KindOK, "")
	return nil
}

// applyInput opens the archive to apply: the -i file, or stdin.
func (r *run) applyInput(a applyArgs) (in io.Reader, name string, closeInput func() error, err error) {
	if !a.inputSet {
		return r.stdin(), "", func() error { return nil }, nil
	}
	f, err := os.Open(a.input)
	if err != nil {
		return nil, "", nil, r.fail("Failed to open '%s'", a.input)
	}
	return f, a.input, f.Close, nil
}

func pickProgressMode(a applyArgs, framing bool) int {
	switch {
	case a.quiet:
		return progressOff
	case framing:
		return progressFraming
	case a.numeric:
		return progressNumeric
	}
	return progressNormal
}

// elapsed is fwup's closing time line.
func elapsed(d time.Duration) string {
	ms := int(d.Milliseconds())
	if ms > 60000 {
		return fmt.Sprintf("Elapsed time: %d min %02d s\n", ms/1000/60, ms/1000%60)
	}
	return fmt.Sprintf("Elapsed time: %d.%03d s\n", ms/1000, ms%1000)
}

// drawProgress prints a percentage in the chosen mode.
func (r *run) drawProgress(percent int, in, units, total int64) {
	switch r.progressMode {
	case progressNumeric:
		fmt.Fprintf(r.sys.Stdout, "%d\n", percent)
	case progressFraming:
		r.outputCode(KindProgress, uint16(percent), "")
	case progressNormal:
		bar := strings.Repeat("=", max(0, min(50, percent*36/100)))
		if total <= 0 {
			fmt.Fprintf(r.sys.Stdout, "\r%3d%% [%-36s]", percent, bar)
			return
		}
		fmt.Fprintf(r.sys.Stdout, "\r%3d%% [%-36s] %s in / %s out     \b\b\b\b\b", percent, bar, FormatSize(in), FormatSize(units))
	}
}

// autoselect finds the one memory card to write and asks before using it.
func (r *run) autoselect(accept, inputIsFile bool) (mmc.Card, error) {
	c, err := r.selectCard()
	if err != nil {
		return mmc.Card{}, err
	}
	if !accept {
		if !inputIsFile {
			return mmc.Card{}, r.fail("%s", StdinConfirmMessage(c))
		}
		io.WriteString(r.sys.Stderr, ConfirmPrompt(c))
		if !Confirmed(r.sys.Stdin) {
			return mmc.Card{}, r.fail("%s", AbortedMessage)
		}
	}
	return c, nil
}

// selectCard returns the single card detected (fwup's autoselect).
func (r *run) selectCard() (mmc.Card, error) {
	cards, _ := r.cards().Detect()
	switch len(cards) {
	case 0:
		return mmc.Card{}, r.fail("%s", NoCardsMessage)
	case 1:
		return cards[0], nil
	}
	io.WriteString(r.sys.Stderr, TooManyCardsText(cards))
	return mmc.Card{}, silentExit(1)
}

func (r *run) cards() *mmc.System {
	return r.sys.MemoryCards(func(msg string) { r.warn("%s", msg) })
}
