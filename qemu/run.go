package qemu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Defaults for Options.
const (
	DefaultQEMU   = "qemu-system-aarch64"
	DefaultMemory = "512M"
	DefaultCPUs   = 2
)

// The kernel's last words before QEMU (run with -no-reboot) exits.
const (
	restartMessage  = "reboot: Restarting system"
	powerOffMessage = "reboot: Power down"
)

// stopGrace is how long QEMU has to exit after SIGTERM before it is
// killed (and how long its pipes may stay open after it exits).
const stopGrace = 5 * time.Second

// Options say what to boot and how.
type Options struct {
	// Machine is the QEMU machine (Virt when "").
	Machine Machine
	// Image is the disk image: on virt the guest's /dev/vda, extended
	// first if shorter than its partitions reach (see Complete); on
	// raspi3b its SD card (/dev/mmcblk0), a sparse copy rounded up to a
	// power of two unless InPlace (see SDCard).
	Image   string
	InPlace bool
	// QEMU is the qemu-system-aarch64 binary, a name looked up in PATH or
	// a path (DefaultQEMU when ""). Tests give a script here.
	QEMU string
	// Memory is QEMU's -m (DefaultMemory when "", 1G on raspi3b, which
	// takes nothing else), CPUs its -smp (DefaultCPUs when 0, 4 on
	// raspi3b).
	Memory string
	CPUs   int
	// ExtraDisks are more raw disk images: /dev/vdb, /dev/vdc, … on virt;
	// USB mass storage, /dev/sda, /dev/sdb, …, on raspi3b.
	ExtraDisks []string
	// Forwards are host TCP ports forwarded to the guest (its eth0 on
	// QEMU's user networking, 10.0.2.15/24 with 10.0.2.2 the gateway).
	Forwards []Forward
	// Timeout, if not 0, bounds the whole run, reboots included.
	Timeout time.Duration
	// Expect are patterns to see on the console, in order (across
	// reboots); once the last is seen QEMU is stopped and Run returns nil.
	// A pattern is searched in each line as it arrives, from where the
	// previous pattern's match ended when that was on the same line.
	Expect []*regexp.Regexp
	// PowerCycleOn are patterns on which the machine's power is cut, each
	// once, in order, across boots: QEMU is stopped and started again cold,
	// so a Pi's tryboot flag is forgotten, as a real power cut would.
	PowerCycleOn []*regexp.Regexp
	// Stdin goes to the guest's console. An *os.File (a terminal) is
	// given to QEMU itself; nil is no input.
	Stdin io.Reader
	// Stdout receives the console output as it comes; Stderr QEMU's own
	// messages and notes on what is booted. Nil discards.
	Stdout, Stderr io.Writer
	// TempDir is where each boot's kernel and initramfs are extracted
	// ("" = the system's temporary directory).
	TempDir string
}

// errTimedOut is the cause of the run's context when Timeout passes.
var errTimedOut = errors.New("timed out")

// Run boots o.Image and follows the console until the guest powers off,
// QEMU exits, every Expect pattern has been seen, the timeout passes or
// ctx ends; a guest reboot starts QEMU again from the image's then active
// boot partition.
func Run(ctx context.Context, o Options) error {
	o.setDefaults()
	if err := o.check(); err != nil {
		return err
	}
	bin, err := FindQEMU(o.QEMU)
	if err != nil {
		return err
	}
	for _, d := range o.ExtraDisks {
		if _, err := os.Stat(d); err != nil {
			return fmt.Errorf("disk: %w", err)
		}
	}
	image := o.Image
	cleanup, err := o.prepareImage()
	if err != nil {
		return err
	}
	defer cleanup()
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, errTimedOut)
		defer cancel()
	}
	con := newConsole(o.Stdout, o.Expect, o.PowerCycleOn)
	var state PiState
	for {
		if err := ctx.Err(); err != nil {
			return o.stopped(ctx, con)
		}
		b, err := o.readBoot(state)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Stderr, "firmwright qemu: booting %s from %s of %s\n", b.KernelName, b.Where(), image)
		status, err := o.boot(ctx, bin, b, con)
		switch {
		case con.matchedAll():
			fmt.Fprintf(o.Stderr, "firmwright qemu: saw all %d expected patterns; QEMU stopped\n", len(o.Expect))
			return nil
		case ctx.Err() != nil:
			return o.stopped(ctx, con)
		case err != nil:
			return err
		case con.powerCycled:
			fmt.Fprintf(o.Stderr, "firmwright qemu: power cycle (--power-cycle-on %q); starting QEMU again, cold\n", o.PowerCycleOn[con.nextCycle-1])
			state = PiState{}
			continue
		case con.restarted:
			state = piState(con.restartCommand)
			fmt.Fprintf(o.Stderr, "firmwright qemu: the guest restarted%s; starting QEMU again\n", restartNote(o.Machine, con.restartCommand, state))
			continue
		}
		pending := con.pending()
		switch {
		case pending != nil && con.poweredOff:
			return fmt.Errorf("the guest powered off before %q appeared on the console", pending)
		case status != nil:
			return fmt.Errorf("%s: %v%s", filepath.Base(bin), status, con.stderr.last())
		case pending != nil:
			return fmt.Errorf("QEMU exited before %q appeared on the console", pending)
		}
		return nil
	}
}

// prepareImage makes o.Image bootable on the machine: whole partitions on
// virt; on raspi3b a card of a power-of-two size, which becomes o.Image.
func (o *Options) prepareImage() (cleanup func(), err error) {
	cleanup = func() {}
	if o.Machine != Raspi3b {
		if size, err := Complete(o.Image); err != nil {
			return cleanup, err
		} else if size > 0 {
			fmt.Fprintf(o.Stderr, "firmwright qemu: extended %s to %d MiB, the end of its last partition, so that the guest sees whole partitions\n", o.Image, size>>20)
		}
		return cleanup, nil
	}
	dir := ""
	if !o.InPlace {
		if dir, err = os.MkdirTemp(o.TempDir, "firmwright-sd-"); err != nil {
			return cleanup, err
		}
		cleanup = func() { os.RemoveAll(dir) }
	}
	card, size, err := SDCard(o.Image, dir)
	if err != nil {
		return cleanup, err
	}
	if o.InPlace {
		fmt.Fprintf(o.Stderr, "firmwright qemu: the SD card is %s itself, %d MiB (a power of two, as QEMU wants)\n", o.Image, size>>20)
	} else {
		fmt.Fprintf(o.Stderr, "firmwright qemu: the SD card is a sparse copy of %s, %d MiB (a power of two, as QEMU wants); what the guest writes is gone when QEMU stops (--in-place keeps it)\n", o.Image, size>>20)
	}
	o.Image = card
	return cleanup, nil
}

// readBoot reads what the machine boots from the image now.
func (o *Options) readBoot(st PiState) (*Boot, error) {
	if o.Machine == Raspi3b {
		return ReadRaspiBoot(o.Image, st)
	}
	return ReadBoot(o.Image)
}

// restartNote says what a restart's command does on the machine.
func restartNote(m Machine, command string, st PiState) string {
	if command == "" {
		return ""
	}
	note := fmt.Sprintf(" with command %q", command)
	if m != Raspi3b || st == (PiState{}) {
		return note
	}
	note += ": the next boot is"
	if st.Tryboot {
		note += " a tryboot,"
	}
	if st.Partition > 0 {
		note += fmt.Sprintf(" from partition %d", st.Partition)
	}
	return strings.TrimSuffix(note, ",")
}

func (o *Options) setDefaults() {
	if o.QEMU == "" {
		o.QEMU = DefaultQEMU
	}
	if o.Machine == "" {
		o.Machine = Virt
	}
	memory, cpus := DefaultMemory, DefaultCPUs
	if o.Machine == Raspi3b {
		memory, cpus = raspiMemory, raspiCPUs
	}
	if o.Memory == "" {
		o.Memory = memory
	}
	if o.CPUs == 0 {
		o.CPUs = cpus
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
}

// stopped is the error for a run ended by ctx.
func (o *Options) stopped(ctx context.Context, con *console) error {
	if context.Cause(ctx) != errTimedOut {
		return ctx.Err()
	}
	if p := con.pending(); p != nil {
		return fmt.Errorf("timed out after %v waiting for %q on the console", o.Timeout, p)
	}
	return fmt.Errorf("timed out after %v with the guest still running", o.Timeout)
}

// FindQEMU resolves the QEMU binary, saying how to install it when it is
// missing.
func FindQEMU(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err == nil {
		return path, nil
	}
	if name == DefaultQEMU {
		return "", fmt.Errorf("%s not found in PATH: install it (Debian and Ubuntu package qemu-system-arm), or give its path with --qemu", name)
	}
	return "", fmt.Errorf("QEMU binary: %w", err)
}

// Args is QEMU's command line (after the program name) for booting
// o.Image with the given kernel, initramfs ("" for none) and kernel
// command line.
//
// On the virt machine each virtio-blk-device takes a virtio-mmio
// transport: the first -device gets the one with the highest address
// (see create_virtio_devices in QEMU's hw/arm/virt.c), and Linux numbers
// the devices, and so names the disks, from the lowest address up (seen
// with Debian's 6.1 kernel). So the devices are given in reverse: the
// last -device is the image (/dev/vda), the one before it the first extra
// disk (/dev/vdb), and so on.
func (o Options) Args(kernel, initramfs, cmdline string) []string {
	o.setDefaults()
	args := []string{"-M", "virt", "-cpu", "cortex-a72", "-m", o.Memory, "-smp", strconv.Itoa(o.CPUs),
		"-nographic", "-no-reboot", "-kernel", kernel}
	if initramfs != "" {
		args = append(args, "-initrd", initramfs)
	}
	if cmdline != "" {
		args = append(args, "-append", cmdline)
	}
	disks := append([]string{o.Image}, o.ExtraDisks...)
	for i, d := range disks {
		args = append(args, "-drive", fmt.Sprintf("if=none,file=%s,format=raw,id=disk%d", escapeComma(d), i))
	}
	for i := len(disks) - 1; i >= 0; i-- {
		args = append(args, "-device", fmt.Sprintf("virtio-blk-device,drive=disk%d", i))
	}
	return append(args, netArgs(o.Forwards)...)
}

// boot runs QEMU once with b's files. It returns QEMU's exit status
// (nil for 0) when it exits on its own; it stops QEMU when all patterns
// have been seen or ctx ends.
func (o *Options) boot(ctx context.Context, bin string, b *Boot, con *console) (status error, err error) {
	dir, err := os.MkdirTemp(o.TempDir, "firmwright-qemu-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	kernel, initramfs := filepath.Join(dir, b.KernelName), ""
	if err := os.WriteFile(kernel, b.Kernel, 0o644); err != nil {
		return nil, err
	}
	if b.InitramfsName != "" {
		initramfs = filepath.Join(dir, b.InitramfsName)
		if err := os.WriteFile(initramfs, b.Initramfs, 0o644); err != nil {
			return nil, err
		}
	}
	args := o.Args(kernel, initramfs, b.Cmdline)
	if o.Machine == Raspi3b {
		dtb := filepath.Join(dir, b.DeviceTreeName)
		if err := os.WriteFile(dtb, b.DeviceTree, 0o644); err != nil {
			return nil, err
		}
		args = o.raspiArgs(b, kernel, initramfs, dtb)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	cmd := exec.CommandContext(runCtx, bin, args...)
	// SIGTERM lets QEMU put the terminal back the way it found it.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopGrace
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, con, io.MultiWriter(o.Stderr, &con.stderr)
	con.reset()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting QEMU: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case status = <-exited:
		return status, nil
	case <-con.powerCut():
	case <-con.done:
	case <-ctx.Done():
	}
	stop()
	<-exited
	return nil, nil
}
