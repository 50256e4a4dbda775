package apply

import (
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/mbr"
	"github.com/firmwright/firmwright/fwup/ubootenv"
)

// The requirements (Action.met): whether a task's require-* holds. argv[0]
// is the name. Anything that goes wrong means "not met": the next task is
// tried.

func (e *engine) partitionAtOffset(argv []string) bool {
	t, ok := e.readMBR()
	part := int(long(argv[1]))
	return ok && part >= 0 && part < mbr.MaxPrimary && int64(t.Partitions[part].BlockOffset) == int64(ull(argv[2]))
}

func (e *engine) fatFileExists(argv []string) bool {
	return e.fat.Exists(int64(ull(argv[1])), argv[2])
}

func (e *engine) fatFileMatches(argv []string) bool {
	return e.fat.FileMatches(int64(ull(argv[1])), argv[2], argv[3])
}

func (e *engine) ubootVariableIs(argv []string) bool {
	sec := e.cfg.Find("uboot-environment", argv[1])
	if sec == nil {
		return false
	}
	env, err := ubootenv.FromConfig(sec)
	if err != nil || e.readEnv(env) != nil {
		return false
	}
	v, err := env.Get(argv[2])
	return err == nil && v == argv[3]
}

func (e *engine) pathOnDevice(argv []string) bool {
	return e.opts.Host != nil && e.opts.Host.PathOnDevice(argv[1], argv[2])
}

func (e *engine) pathAtOffset(argv []string) bool {
	return e.opts.Host != nil && e.opts.Host.PathAtOffset(argv[1], int64(ull(argv[2])))
}

func (e *engine) executeSucceeds(argv []string) bool {
	if !e.opts.Unsafe || e.opts.Host == nil || argv[1] == "" {
		return false
	}
	status, err := e.opts.Host.Run(argv[1])
	return err == nil && status == 0
}

// readMBR decodes the target's MBR through the cache.
func (e *engine) readMBR() (*mbr.Table, bool) {
	var block [BlockSize]byte
	if _, err := e.cache.ReadAt(block[:], 0); err != nil {
		return nil, false
	}
	t, err := mbr.Decode(block)
	return t, err == nil
}

// legacyRequirementsMet checks require-partition1-offset, the key fwup
// had before require-partition-offset().
func (e *engine) legacyRequirementsMet(task *conf.Section) bool {
	want := task.Int("require-partition1-offset")
	if want < 0 {
		return true
	}
	t, ok := e.readMBR()
	return ok && int64(t.Partitions[1].BlockOffset) == int64(uint32(want))
}

// requirementsMet runs a task's requirements in order; the first one not
// met ends the check. With -v each result is printed.
func (e *engine) requirementsMet(task *conf.Section) bool {
	for _, c := range task.Calls {
		argv := append([]string{c.Name}, c.Args...)
		if len(argv) > MaxCallArgs {
			return false
		}
		req, err := validCall(InTask, argv)
		if err != nil {
			return false
		}
		met := req.met(e, argv)
		var a1, sep, a2 string
		if len(argv) >= 2 {
			a1 = argv[1]
		}
		if len(argv) >= 3 {
			sep, a2 = ", ", argv[2]
		}
		result := "not met"
		if met {
			result = "met"
		}
		e.info("%s(%s%s%s) -> %s", c.Name, a1, sep, a2, result)
		if !met {
			if e.opts.Unmet != nil {
				e.opts.Unmet(task.Title, c.Name)
			}
			return false
		}
	}
	return true
}
