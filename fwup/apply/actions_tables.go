package apply

import (
	"errors"
	"fmt"

	"github.com/firmwright/firmwright/fwup/gpt"
	"github.com/firmwright/firmwright/fwup/mbr"
	"github.com/firmwright/firmwright/fwup/ubootenv"
	"github.com/firmwright/firmwright/internal/cstr"
)

// gptUnits is fwup's progress for gpt_write: both copies of the table.
const gptUnits = 2 * gpt.SizeBlocks * BlockSize

// deviceBlocks is the target size mbr_write and gpt_write see: 0 when
// unknown, so that nothing expands on a new image file.
func (e *engine) deviceBlocks() uint64 { return uint64(e.cache.End() / BlockSize) }

func (e *engine) mbrWrite(argv []string) error {
	sec := e.cfg.Find("mbr", argv[1])
	if sec == nil {
		return errors.New("mbr_write can't find mbr reference")
	}
	t, err := mbr.FromConfig(sec)
	if err != nil {
		return err
	}
	blocks, err := t.Encode(e.deviceBlocks())
	if errors.Is(err, mbr.ErrNotWritten) {
		// fwup 1.16 ignores these failures and writes nothing.
		e.prog.add(BlockSize)
		return nil
	}
	if err != nil {
		return err
	}
	for _, b := range blocks {
		if _, err := e.cache.WriteAt(b.Data[:], int64(b.LBA)*BlockSize); err != nil {
			return cstr.Errorf(err, "unexpected error writing mbr: %s", cstr.Strerror(err))
		}
	}
	e.prog.add(BlockSize)
	return nil
}

func (e *engine) gptWrite(argv []string) error {
	sec := e.cfg.Find("gpt", argv[1])
	if sec == nil {
		return errors.New("gpt_write can't find gpt reference")
	}
	t, err := gpt.FromConfig(sec)
	if err != nil {
		return err
	}
	blocks, err := t.Encode(e.deviceBlocks())
	if err != nil {
		return err
	}
	for _, b := range blocks {
		if _, err := e.cache.WriteAt(b.Data[:], int64(b.LBA)*BlockSize); err != nil {
			return cstr.Errorf(err, "unexpected error writing gpt: %s", cstr.Strerror(err))
		}
	}
	e.prog.add(gptUnits)
	return nil
}

// ubootEnv finds the environment a uboot_* action names.
func (e *engine) ubootEnv(argv []string) (*ubootenv.Env, error) {
	if len(argv) < 2 {
		return nil, fmt.Errorf("%s requires uboot-environment", argv[0])
	}
	sec := e.cfg.Find("uboot-environment", argv[1])
	if sec == nil {
		return nil, fmt.Errorf("%s can't find uboot-environment reference %s", argv[0], argv[1])
	}
	return ubootenv.FromConfig(sec)
}

func ubootUnits(e *engine, argv []string) (int64, error) {
	env, err := e.ubootEnv(argv)
	if err != nil {
		return BlockSize, nil
	}
	return int64(env.BlockCount) * BlockSize, nil
}

// readEnv loads an environment's current contents from the target.
func (e *engine) readEnv(env *ubootenv.Env) error {
	primary := make([]byte, env.Size())
	if _, err := e.cache.ReadAt(primary, int64(env.BlockOffset)*BlockSize); err != nil {
		if env.Redundant {
			return cstr.Errorf(err, "unexpected error reading primary uboot environment: %s", cstr.Strerror(err))
		}
		return cstr.Errorf(err, "unexpected error reading uboot environment: %s", cstr.Strerror(err))
	}
	var secondary []byte
	if env.Redundant {
		secondary = make([]byte, env.Size())
		if _, err := e.cache.ReadAt(secondary, int64(env.RedundBlockOffset)*BlockSize); err != nil {
			return cstr.Errorf(err, "unexpected error reading redundant uboot environment: %s", cstr.Strerror(err))
		}
	}
	return env.Read(primary, secondary)
}

func (e *engine) writeEnv(env *ubootenv.Env) error {
	ws, err := env.Writes()
	if err != nil {
		return err
	}
	for i, w := range ws {
		if _, err := e.cache.WriteAt(w.Data, int64(w.BlockOffset)*BlockSize); err != nil {
			if i > 0 || !env.WritePrimary {
				return cstr.Errorf(err, "unexpected error writing redundant uboot environment: %s", cstr.Strerror(err))
			}
			return cstr.Errorf(err, "unexpected error writing uboot environment: %s", cstr.Strerror(err))
		}
	}
	e.prog.add(int64(env.BlockCount) * BlockSize)
	return nil
}

func (e *engine) ubootClearenv(argv []string) error {
	env, err := e.ubootEnv(argv)
	if err != nil {
		return err
	}
	return e.writeEnv(env)
}

func (e *engine) ubootSetenv(argv []string) error {
	env, err := e.ubootEnv(argv)
	if err != nil {
		return err
	}
	if err := e.readEnv(env); err != nil {
		return err
	}
	env.Set(argv[2], argv[3])
	return e.writeEnv(env)
}

func (e *engine) ubootUnsetenv(argv []string) error {
	env, err := e.ubootEnv(argv)
	if err != nil {
		return err
	}
	if err := e.readEnv(env); err != nil {
		return err
	}
	env.Unset(argv[2])
	return e.writeEnv(env)
}

func (e *engine) ubootRecover(argv []string) error {
	env, err := e.ubootEnv(argv)
	if err != nil {
		return err
	}
	if e.readEnv(env) != nil {
		clean, err := e.ubootEnv(argv)
		if err != nil {
			return err
		}
		return e.writeEnv(clean)
	}
	e.prog.add(int64(env.BlockCount) * BlockSize)
	return nil
}
