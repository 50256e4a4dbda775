package builder

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/firmwright/firmwright/erlang/erlinit"
	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/keys"
	"github.com/firmwright/firmwright/fwup/meta"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
	"github.com/firmwright/firmwright/rootfs"
	"github.com/firmwright/firmwright/systems"
)

// Paths firmwright adds to every root filesystem.
const (
	// OpsPath is the ops.fw Nerves.Runtime runs validate, revert,
	// factory-reset and status from.
	OpsPath = "usr/share/fwup/ops.fw"
	// RevertPath is the name older runtimes use for it.
	RevertPath = "usr/share/fwup/revert.fw"
	// PublicKeyPath holds the key updates must be signed with, when the
	// build is given one.
	PublicKeyPath = "etc/fwup.pub"
)

// Build runs the pipeline: checks, rootfs, ops.fw, .fw and, if asked,
// the image. Outputs appear whole or not at all; when ctx is done the
// work stops and what it made so far is removed.
func Build(ctx context.Context, spec Spec) (*Result, error) {
	r := newReporter(spec.Now, spec.Report)
	if spec.System == nil {
		return nil, errors.New("no system given")
	}
	tmp, cleanup, err := workDir(spec)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	in, err := prepare(spec, tmp)
	if err != nil {
		return nil, err
	}
	// The boot files are deflated for the .fw while the release is read
	// and the root filesystem made (fwup.Predeflate).
	in.pre = fwup.Predeflate(fwup.HostPaths(in.cfg.data, in.createOptions(spec), in.env["ROOTFS"]), spec.SquashFS.fwLevel())
	defer in.pre.Close()
	if spec.WorkDir != "" {
		if err := writeFwupEnv(filepath.Join(tmp, FwupEnvFile), in.env); err != nil {
			return nil, fmt.Errorf("--work-dir: %w", err)
		}
	}
	if err := checkOutputs(spec); err != nil {
		return nil, err
	}
	target, _ := spec.System.ELFTarget()
	if in.release, err = ReadRelease(spec.Release, target); err != nil {
		return nil, err
	}
	r.done(fmt.Sprintf("checked inputs for system %s%s", spec.System.Name, in.bootNote), 0)

	ops, err := in.opsFirmware(spec)
	if err != nil {
		return nil, err
	}
	r.done(fmt.Sprintf("ops.fw for %s", OpsPath), int64(len(ops)))

	rfs := in.rootfs(spec, ops, tmp)
	res := &Result{}
	write := atomicfile.Write
	if spec.WorkDir == "" {
		write = writeScratch
	}
	if res.RootfsSize, err = rfs.writeImage(ctx, in.env["ROOTFS"], spec.SquashFS, write, r); err != nil {
		return nil, err
	}
	if err := in.checkRootfsFits(res.RootfsSize); err != nil {
		return nil, err
	}
	var imageSize int64
	if res.UUID, imageSize, err = in.writeOutputs(ctx, spec); err != nil {
		return nil, err
	}
	res.Nickname = meta.Nickname(res.UUID)
	if fi, err := os.Stat(spec.Output); err == nil {
		res.FwSize = fi.Size()
	}
	signed := "unsigned"
	if spec.SignKey != nil {
		signed = "signed"
	}
	what := fmt.Sprintf("%s, %s", filepath.Base(spec.Output), signed)
	if spec.Image != "" {
		what += fmt.Sprintf(", and %s (complete, %.0f MB)", filepath.Base(spec.Image), float64(imageSize)/1e6)
	}
	r.done(what, res.FwSize)
	return res, nil
}

// writeOutputs writes the .fw and, when asked, the image. Both are made
// under temporary names beside them and put in place only when both are
// whole, so a failure leaves neither behind (nor replaces an older one).
// The image is made from the archive as it is written, so applying
// overlaps compressing. It returns the archive's UUID and the image's
// size.
func (in *inputs) writeOutputs(ctx context.Context, spec Spec) (string, int64, error) {
	fw, err := atomicfile.Create(spec.Output, 0o644)
	if err != nil {
		return "", 0, err
	}
	defer fw.Abort()
	var w io.Writer = ctxio.Writer(ctx, fw.File)
	var image *imageWriter
	if spec.Image != "" {
		img, err := atomicfile.Create(spec.Image, 0o644)
		if err != nil {
			return "", 0, err
		}
		defer img.Abort()
		image = startImage(spec.Output, img, spec.ApplyEnv)
		w = io.MultiWriter(w, image)
	}
	opts := in.createOptions(spec)
	opts.Predeflated = in.pre
	plan, err := fwup.Create(w, in.cfg.data, opts)
	var imageSize int64
	var imageErr error
	if image != nil {
		imageSize, imageErr = image.finish(err)
	}
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", spec.Output, fw.Named(err))
	}
	if imageErr != nil {
		return "", 0, fmt.Errorf("%s: %w", spec.Image, image.img.Named(imageErr))
	}
	outputs := []*atomicfile.File{fw}
	if image != nil {
		outputs = append(outputs, image.img)
	}
	if err := atomicfile.CommitAll(outputs...); err != nil {
		return "", 0, err
	}
	return meta.UUID(plan.Meta), imageSize, nil
}

// createOptions are the .fw's.
func (in *inputs) createOptions(spec Spec) fwup.CreateOptions {
	opts := fwup.CreateOptions{Env: in.cfg.env, Name: in.cfg.path, Dir: filepath.Dir(in.cfg.path), Time: spec.Time,
		Key: spec.SignKey, ChunkIndex: !spec.NoChunkIndex, Level: spec.SquashFS.fwLevel()}
	if spec.SquashFS.entropyCoded() {
		// Deflating such an image again saves under 1% of it (0.9% of
		// the example's gzip image; 0.5%, 0.9% and nothing of a 176 MB
		// tree's gzip, zstd and xz images): it would be stored anyway,
		// and deflating it to decide so cost a tenth of a build's CPU.
		opts.Store = []string{in.env["ROOTFS"]}
	}
	return opts
}

// rootfs is the root filesystem a build makes: the base, the release,
// the generated files (ops.fw, revert.fw, the update key) and the device
// binary.
func (in *inputs) rootfs(spec Spec, ops []byte, tmp string) *Rootfs {
	target, _ := spec.System.ELFTarget()
	rfs := &Rootfs{Base: in.base, Release: spec.Release, ReleaseTree: in.release, Overlays: spec.Overlays, Delete: spec.Delete, ErlinitDefaults: in.erlinit,
		Erlinit: spec.Erlinit, Target: target, ModTime: spec.ModTime, TempDir: tmp,
		Generated: []rootfs.GeneratedFile{
			{Path: OpsPath, Mode: 0o644, Data: ops},
			{Path: RevertPath, Link: "ops.fw"},
		}}
	rfs.Device = func(base *rootfs.Tree) ([]rootfs.GeneratedFile, error) {
		return deviceFiles(deviceBinary{spec.DeviceFirmwright, spec.DeviceFirmwrightDirs}, base, *target)
	}
	if spec.PublicKey != nil {
		rfs.Generated = append(rfs.Generated, rootfs.GeneratedFile{Path: PublicKeyPath, Mode: 0o644, Data: keys.Encode(spec.PublicKey)})
	}
	return rfs
}

// writeImage applies the archive r (named fw) to img, a new file, as
// `fwup -a -t complete -d img` does with a file that does not exist yet.
// env holds apply-time variables (NERVES_SERIAL_NUMBER). It returns the
// image's size.
func writeImage(r io.Reader, fw string, img *os.File, env map[string]string) (int64, error) {
	if err := apply.Run(r, img, apply.Options{Task: "complete", Input: fw, Env: env}); err != nil {
		return 0, err
	}
	return img.Seek(0, io.SeekEnd)
}

// imageWriter applies an archive to an image while the archive is being
// written: what is written to it goes through a pipe to apply.Run.
type imageWriter struct {
	img  *atomicfile.File
	pw   *io.PipeWriter
	done chan struct{}
	size int64
	err  error
}

func startImage(fw string, img *atomicfile.File, env map[string]string) *imageWriter {
	pr, pw := io.Pipe()
	iw := &imageWriter{img: img, pw: pw, done: make(chan struct{})}
	go func() {
		defer close(iw.done)
		iw.size, iw.err = writeImage(pr, fw, img.File, env)
		// Whatever apply left unread must not block the archive's writer.
		io.Copy(io.Discard, pr)
	}()
	return iw
}

func (iw *imageWriter) Write(p []byte) (int, error) { return iw.pw.Write(p) }

// finish ends the archive's stream (with the archive's own error, if
// any) and waits for the image.
func (iw *imageWriter) finish(archiveErr error) (int64, error) {
	if archiveErr != nil {
		iw.pw.CloseWithError(archiveErr)
	} else {
		iw.pw.Close()
	}
	<-iw.done
	return iw.size, iw.err
}

// inputs are the resolved inputs of a build.
type inputs struct {
	systemDir, configsDir string
	base                  string
	erlinit               []byte
	env                   map[string]string
	cfg                   *fwupConfig
	release               *rootfs.Tree // read and checked
	bootNote              string       // what the stage line says of the boot files
	pre                   *fwup.Predeflater
}

// checkOutputs makes sure each output's folder can take it, before any
// work: a file is made there and removed.
func checkOutputs(spec Spec) error {
	outputs := [][2]string{{"--output", spec.Output}, {"--image", spec.Image}}
	var errs []error
	for _, o := range outputs {
		if o[1] == "" {
			continue
		}
		dir := filepath.Dir(o[1])
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			errs = append(errs, fmt.Errorf("%s %s: there is no folder %s", o[0], o[1], dir))
			continue
		}
		f, err := atomicfile.Create(o[1], 0o644)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: cannot write in %s: %w", o[0], o[1], dir, errors.Unwrap(err)))
			continue
		}
		f.Abort()
	}
	return errors.Join(errs...)
}

// prepare resolves the system and inputs and runs every check that does
// not need the rootfs, reporting all missing files at once.
func prepare(spec Spec, tmp string) (*inputs, error) {
	sys := spec.System
	images, err := filepath.Abs(spec.Images)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(images); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("--base %s: expected a Buildroot images/ folder", spec.Images)
	}
	in := &inputs{}
	if in.systemDir, in.configsDir, err = sys.Materialize(tmp); err != nil {
		return nil, err
	}
	if in.erlinit, err = fs.ReadFile(sys.Files, "erlinit.config"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}

	kernels, boot, err := in.checkBase(images, sys)
	if err != nil {
		return nil, err
	}
	bootDir := filepath.Join(tmp, "boot")
	if err := boot.writeBootConf(bootDir, sys); err != nil {
		return nil, err
	}
	in.bootNote = boot.note()

	relVsn, err := releaseVersion(spec.Release)
	if err != nil {
		return nil, err
	}
	in.env = map[string]string{
		"FIRMWRIGHT_SYSTEM":  in.systemDir,
		"FIRMWRIGHT_CONFIGS": in.configsDir,
		"NERVES_SDK_IMAGES":  images,
		"NERVES_SYSTEM":      filepath.Dir(images),
		"NERVES_SDK_VERSION": relVsn,
		"FIRMWRIGHT_KERNEL":  kernels[0],
		"ROOTFS":             filepath.Join(tmp, "rootfs.img"),
		// The boot files found, as fwup.conf fragments (bootconf.go).
		"FIRMWRIGHT_BOOT_FILES": bootDir,
	}
	if boot.deviceTree != "" {
		in.env["FIRMWRIGHT_DEVICE_TREE"] = boot.deviceTree
	}
	for k, v := range boot.vars {
		in.env[k] = v
	}
	for k, v := range spec.Defines {
		in.env[k] = v
	}
	for k, v := range spec.Meta.vars() {
		in.env[k] = v
	}
	if _, ok := in.env["NERVES_FW_VERSION"]; !ok {
		in.env["NERVES_FW_VERSION"] = relVsn
	}

	confPath := filepath.Join(in.systemDir, "fwup.conf")
	if spec.FwupConf != "" {
		confPath = spec.FwupConf
	}
	if in.cfg, err = parseConfig(confPath, in.env); err != nil {
		return nil, err
	}
	for name, want := range map[string]string{"NERVES_FW_PLATFORM": sys.Platform, "NERVES_FW_ARCHITECTURE": sys.Architecture} {
		if got, ok := in.cfg.vars[name]; ok && got != want {
			return nil, fmt.Errorf("%s makes %s=%q but the %s system's %s says %q: upgrades check devices against the first, so make them agree",
				in.cfg.path, name, got, sys.Name, systems.MetadataFile, want)
		}
	}
	if err := in.fitKernel(spec, confPath, kernels, tmp); err != nil {
		return nil, err
	}
	if err := checkSigning(spec); err != nil {
		return nil, err
	}
	return in, nil
}

// checkBase finds the kernels (by preference), the boot files and the
// root filesystem in images, failing with every required file missing.
func (in *inputs) checkBase(images string, sys *systems.System) ([]string, *bootSet, error) {
	var missing []string
	var kernels []string
	for _, k := range sys.Kernel {
		if _, err := os.Stat(filepath.Join(images, k)); err == nil {
			kernels = append(kernels, filepath.Join(images, k))
		}
	}
	if len(kernels) == 0 {
		missing = append(missing, strings.Join(sys.Kernel, " or "))
	}
	for _, f := range sys.BaseFiles {
		if _, err := os.Stat(filepath.Join(images, f)); err != nil {
			missing = append(missing, f)
		}
	}
	boot, err := findBootFiles(images, sys)
	if err != nil {
		return nil, nil, err
	}
	missing = append(missing, boot.missing...)
	if in.base, err = FindBase(images); err != nil {
		missing = append(missing, strings.Join(baseNames, " or "))
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("%s: the %s system needs these files in the base's images/ folder, which lacks them: %s", images, sys.Name, strings.Join(missing, "; "))
	}
	return kernels, boot, nil
}

// fitKernel takes the first kernel whose boot set fits: an Image too big
// for the partition gives way to an Image.gz beside it, or, when the
// system takes Image.gz and the base has none (Buildroot's defconfigs
// make only Image), to the Image gzipped here.
func (in *inputs) fitKernel(spec Spec, confPath string, kernels []string, tmp string) error {
	hint := kernelHint(spec.System.Kernel, kernels[0])
	fitErr := checkBootFit(in.cfg, hint)
	if fitErr == nil || spec.Defines["FIRMWRIGHT_KERNEL"] != "" {
		return fitErr
	}
	candidates := kernels[1:]
	if hint != "" && !slices.ContainsFunc(kernels, func(k string) bool { return strings.HasSuffix(k, ".gz") }) {
		gz, err := gzipKernel(kernels[0], filepath.Join(tmp, "kernel"))
		if err != nil {
			return err
		}
		candidates = append(candidates, gz)
	}
	for _, k := range candidates {
		in.env["FIRMWRIGHT_KERNEL"] = k
		cfg, err := parseConfig(confPath, in.env)
		if err != nil {
			return err
		}
		made := filepath.Dir(k) != filepath.Dir(kernels[0])
		err = checkBootFit(cfg, "")
		switch {
		case err == nil && made:
			in.bootNote += fmt.Sprintf("; %s gzipped to fit the boot partition", filepath.Base(kernels[0]))
			fallthrough
		case err == nil:
			in.cfg = cfg
			return nil
		case made:
			return fmt.Errorf("even gzipped here, %s does not fit: %w", filepath.Base(kernels[0]), err)
		}
	}
	return fitErr
}

// kernelHint is advice for a boot partition that is too small, when the
// system also takes a compressed kernel and the one found is not.
func kernelHint(names []string, found string) string {
	base := filepath.Base(found)
	if strings.HasSuffix(base, ".gz") {
		return ""
	}
	for _, n := range names {
		if n == base+".gz" {
			return fmt.Sprintf("compress the kernel, which the Raspberry Pi firmware accepts gzipped: gzip -9n < %s > %s.gz (the system takes %s when %s does not fit).",
				found, found, n, base)
		}
	}
	return ""
}

// releaseVersion is the release's version from releases/start_erl.data.
func releaseVersion(dir string) (string, error) {
	p := filepath.Join(dir, "releases", "start_erl.data")
	data, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("--release %s: %w (expected a `mix release` directory)", dir, err)
	}
	_, vsn, err := erlinit.ParseStartErl(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	return vsn, nil
}

// checkSigning refuses a build whose rootfs would trust a key that the
// firmware itself is not signed with: its own updates would be refused.
func checkSigning(spec Spec) error {
	if spec.PublicKey == nil {
		return nil
	}
	if spec.SignKey == nil {
		return errors.New("the firmware is unsigned but --device-public-key makes devices accept only signed updates: pass --sign-key with the matching private key (firmwright keygen makes a pair)")
	}
	if !bytes.Equal(spec.SignKey.Public().(ed25519.PublicKey), spec.PublicKey) {
		return errors.New("--sign-key is not the private half of --device-public-key: devices would refuse this firmware's updates")
	}
	return nil
}

// opsFirmware builds ops.fw, as Nerves' post-build.sh does: from the
// system's own fwup-ops.conf, or else configs/fwup-ops.conf (the tryboot
// operations) with the system's layout.conf.
func (in *inputs) opsFirmware(spec Spec) ([]byte, error) {
	p := filepath.Join(in.systemDir, "fwup-ops.conf")
	if _, err := os.Stat(p); err != nil {
		p = filepath.Join(in.configsDir, "fwup-ops.conf")
		if _, err := os.Stat(filepath.Join(in.systemDir, "layout.conf")); err != nil {
			return nil, fmt.Errorf("system %s: no fwup-ops.conf, nor the layout.conf that configs/fwup-ops.conf includes", spec.System.Name)
		}
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := fwup.Create(&buf, data, fwup.CreateOptions{Env: in.env, Name: p, Dir: filepath.Dir(p), Time: spec.Time}); err != nil {
		return nil, fmt.Errorf("fwup-ops.conf: %w", err)
	}
	return buf.Bytes(), nil
}

// checkRootfsFits fails, saying what to change, when the rootfs is larger
// than its slot.
func (in *inputs) checkRootfsFits(size int64) error {
	if _, ok := in.cfg.vars["ROOTFS_A_PART_COUNT"]; !ok {
		return nil // a config of the user's own; fwup's assert-size-lte still applies
	}
	blocks, err := in.cfg.blocks("ROOTFS_A_PART_COUNT")
	if err != nil {
		return err
	}
	if size <= blocks*512 {
		return nil
	}
	need := (size + 511) / 512
	return fmt.Errorf("rootfs.img is %s but a rootfs slot holds %s (ROOTFS_A_PART_COUNT=%d blocks).\n"+
		"  Make it smaller: leave files out of the base (--delete PATTERN) or the release, or use --compression xz or zstd;\n"+
		"  or make the slots larger: --define ROOTFS_A_PART_COUNT=%d or more (APP moves with it, so cards made with the old layout need a complete burn).",
		humanSize(size), humanSize(blocks*512), blocks, (need+2047)/2048*2048)
}
