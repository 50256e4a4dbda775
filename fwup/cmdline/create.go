package cmdline

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/firmwright/firmwright/fwup"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/internal/atomicfile"
	"github.com/firmwright/firmwright/internal/ctxio"
)

// CreationTime is when fwup says an archive was made: SOURCE_DATE_EPOCH,
// else NOW (YYYY-MM-DDTHH:MM:SSZ), else the clock.
func CreationTime(env map[string]string, now func() time.Time) time.Time {
	if s, ok := env["SOURCE_DATE_EPOCH"]; ok {
		n, _ := strconv.ParseUint(s, 0, 64)
		return time.Unix(int64(n), 0).UTC()
	}
	if t, err := time.Parse("2006-01-02T15:04:05Z", env["NOW"]); err == nil {
		return t
	}
	return now().UTC()
}

// create is -c.
func (r *run) create(config, output string, toFile bool, level int, key ed25519.PrivateKey) error {
	var data []byte
	var err error
	name, dir := config, filepath.Dir(config)
	if config == "-" {
		name, dir = "FILE", "."
		data, err = io.ReadAll(r.sys.Stdin)
	} else {
		data, err = os.ReadFile(config)
	}
	if err != nil {
		return r.fail("Error opening configuration file '%s'", config)
	}
	opts := fwup.CreateOptions{Env: r.sys.Env, Name: name, Dir: dir, Time: CreationTime(r.sys.Env, r.sys.Now), Level: level, Key: key, Fwup: true}
	plan, err := fwup.Prepare(data, opts)
	if err != nil {
		var cerr *conf.Error
		if errors.As(err, &cerr) {
			fmt.Fprintf(r.sys.Stderr, "%s\n", cerr)
			if config == "-" {
				return r.fail("Error parsing configuration from stdin")
			}
			return r.fail("Error parsing configuration file '%s'", config)
		}
		return r.fail("%s", err)
	}
	if !toFile {
		return r.createToStdout(plan, opts)
	}
	err = atomicfile.Write(output, 0o644, func(w io.Writer) error { return plan.Write(ctxio.Writer(r.sys.Ctx(), w), opts) })
	if err != nil {
		return r.fail("%s", err)
	}
	return nil
}

// createToStdout writes the archive as libarchive does to a pipe: padded
// to whole 10240-byte blocks, so fwup's .fw on stdout carries those zeros.
func (r *run) createToStdout(plan *fwup.Plan, opts fwup.CreateOptions) error {
	w := &countingWriter{w: ctxio.Writer(r.sys.Ctx(), r.sys.Stdout)}
	if err := plan.Write(w, opts); err != nil {
		return r.fail("%s", err)
	}
	if pad := (10240 - w.n%10240) % 10240; pad > 0 {
		r.sys.Stdout.Write(make([]byte, pad))
	}
	return nil
}

// sign is -S.
func (r *run) sign(input string, inputSet bool, output string, outputSet bool, key ed25519.PrivateKey) error {
	if !inputSet {
		return r.fail("Specify an input firmware file")
	}
	if !outputSet {
		return r.fail("Specify an output firmware file")
	}
	if key == nil {
		return r.fail("Specify a signing key")
	}
	in, err := r.open(input, true)
	if err != nil {
		return err
	}
	defer in.Close()
	t := CreationTime(r.sys.Env, r.sys.Now)
	err = atomicfile.Write(output, 0o644, func(w io.Writer) error {
		return fwup.Resign(ctxio.Writer(r.sys.Ctx(), w), in, key, t, filepath.Dir(output))
	})
	if err != nil {
		return r.fail("%s", ArchiveMessage(err))
	}
	r.output(KindOK, "")
	return nil
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
