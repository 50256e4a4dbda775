package builder

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/cmdline"
	"github.com/firmwright/firmwright/fwup/mmc"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
	"github.com/firmwright/firmwright/internal/progressline"
)

// Apply is a task of a .fw to apply as the native commands do (image,
// apply, burn): a progress line, a new image made whole or not at all, a
// device checked by reading every write back, and failures worded with
// their cause.
type Apply struct {
	// Fw is the .fw file; Task the task (a prefix is enough).
	Fw, Task   string
	PublicKeys []ed25519.PublicKey
	// Env holds apply-time variables (NERVES_SERIAL_NUMBER).
	Env             map[string]string
	RebootParamPath string
	// Host is the machine, for the requirements that look at it.
	Host apply.Host
	// Progress, when set, gets the progress line and info() messages;
	// Now is its clock.
	Progress io.Writer
	Now      func() time.Time
}

// ToNewImage makes the image file at path, replacing any there, under a
// temporary name put in place when whole. It needs no first pass (see
// verifyFirst): a failed apply leaves no image behind.
func (a *Apply) ToNewImage(ctx context.Context, path string) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		return a.To(ctx, w.(*os.File), apply.CacheOptions{})
	})
}

// ToImageFile applies to an existing image file, after checking the whole
// .fw (verifyFirst), or makes a new one as ToNewImage does.
func (a *Apply) ToImageFile(ctx context.Context, path string) error {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return a.ToNewImage(ctx, path)
	}
	if err := a.verifyFirst(ctx); err != nil {
		return err
	}
	f, copts, err := cmdline.OpenImageFile(path)
	if err != nil {
		return err
	}
	if err := a.To(ctx, f, copts); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ToDevice applies to a block device the user has confirmed: the whole
// .fw checked first (verifyFirst), the device unmounted (through cards),
// as fwup does, opened only while it is still the medium chosen (the
// identity taken when the user was asked), every write read back, synced
// at the end.
func (a *Apply) ToDevice(ctx context.Context, dev string, chosen mmc.Identity, cards *mmc.System) error {
	if err := a.verifyFirst(ctx); err != nil {
		return err
	}
	if err := cards.UnmountAll(dev); err != nil {
		return fmt.Errorf("%s: %w", dev, err)
	}
	d, err := cards.OpenIdentified(dev, chosen)
	var changed *mmc.ChangedError
	if errors.As(err, &changed) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dev, err)
	}
	defer d.Close()
	if d.Size() == 0 {
		return fmt.Errorf("%s: cannot tell the device's size; refusing to write to it", dev)
	}
	if err := a.To(ctx, d, apply.CacheOptions{End: d.Size(), VerifyWrites: true}); err != nil {
		return err
	}
	return d.Sync()
}

// To applies to target.
func (a *Apply) To(ctx context.Context, target apply.Target, copts apply.CacheOptions) error {
	in, err := os.Open(a.Fw)
	if err != nil {
		return err
	}
	defer in.Close()
	pl := &progressline.Line{W: io.Discard, Now: a.Now}
	opts := apply.Options{Task: a.Task, Input: a.Fw, PublicKeys: a.PublicKeys, Env: a.Env, Cache: copts,
		Host: a.Host, RebootParamPath: a.RebootParamPath}
	if a.Progress != nil {
		pl.W = a.Progress
		opts.Progress = apply.NewProgress(0, 100, pl.Report)
		opts.Info = func(msg string) { pl.End(); fmt.Fprintf(a.Progress, "%s\n", msg) }
	}
	var onDevice []string // tasks passed over for not running on the device
	opts.Unmet = func(task, req string) {
		if req == "require-path-at-offset" || req == "require-path-on-device" {
			onDevice = append(onDevice, task)
		}
	}
	err = apply.Run(ctxio.Reader(ctx, in), target, opts)
	pl.End()
	if err != nil {
		return fmt.Errorf("%s: %s%s", a.Fw, ApplyMessage(err), onDeviceHint(onDevice))
	}
	return nil
}

// onDeviceHint explains tasks passed over because they look for the
// running system.
func onDeviceHint(tasks []string) string {
	if len(tasks) == 0 {
		return ""
	}
	names, verb, them := tasks[0], "looks", "it is"
	if n := len(tasks); n > 1 {
		names, verb, them = strings.Join(tasks[:n-1], ", ")+" and "+tasks[n-1], "look", "they are"
	}
	return fmt.Sprintf("\n  %s %s for the running system's root filesystem, so %s meant to run on the device itself "+
		"(its fwup, or firmwright there) or in firmwright qemu, not on this computer. For a new card, use the complete task (firmwright burn).",
		names, verb, them)
}

// ApplyMessage words an apply failure for the native commands: fwup's
// text, and then what the system said behind it (fwup's "Check media
// size" is, more often than not, "no space left on device").
func ApplyMessage(err error) string {
	var delta *apply.DeltaWithoutSourceError
	if errors.As(err, &delta) {
		return fmt.Sprintf("%s is a delta update against the other slot; use the full .fw for a new card", delta.Resource)
	}
	var bad *apply.DeltaError
	if errors.As(err, &bad) {
		return fmt.Sprintf("%s: the delta update does not apply to the other slot's contents (%v); use the full .fw", bad.Resource, bad.Err)
	}
	var missing *apply.MissingResourceError
	if errors.As(err, &missing) && missing.Damage != nil {
		return fmt.Sprintf("%v: the archive is damaged before it: %s", missing, cmdline.ArchiveMessage(missing.Damage))
	}
	msg := cmdline.ArchiveMessage(err)
	var errno syscall.Errno
	switch {
	case errors.Is(err, syscall.ENOSPC):
		// fwup's guess, "Check media size", is this cause.
		return strings.TrimSuffix(strings.TrimSuffix(msg, " Check media size."), ".") + ": no space left on device"
	case errors.As(err, &errno) && !strings.Contains(msg, errno.Error()):
		msg += " (" + errno.Error() + ")"
	}
	return msg
}
