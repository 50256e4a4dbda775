package fwup

import (
	"fmt"

	"github.com/firmwright/firmwright/fwup/apply"
	"github.com/firmwright/firmwright/fwup/conf"
	"github.com/firmwright/firmwright/fwup/meta"
)

// checker runs fwup's create-time checks as the config is parsed.
type checker struct{}

func (checker) Call(root, sec *conf.Section, c *conf.Call) error {
	args, err := apply.CheckCall(root, sec, apply.ContextOf(sec), c.Name, c.Args)
	if err != nil {
		return err
	}
	c.Args = args
	return nil
}

// Func reports whether name is a function the section can call.
func (checker) Func(sec *conf.Section, name string) bool {
	return apply.Callable(apply.ContextOf(sec), name)
}

func (checker) Option(_, sec *conf.Section, name string) error {
	if sec.Opt != conf.Schema || name != "require-fwup-version" {
		return nil
	}
	return meta.CheckRequiredVersion(sec.String(name))
}

func (checker) Section(root, parent, sec *conf.Section) error {
	switch sec.Opt.Name {
	case "file-resource":
		hasPath, hasContents := sec.Has("host-path"), sec.Has("contents")
		if !hasPath && !hasContents {
			return fmt.Errorf("host-path or contents must be set for file-resource '%s'", sec.Title)
		}
		if hasPath && hasContents {
			return fmt.Errorf("only one of host-path or contents should be set for file-resource '%s'", sec.Title)
		}
	case "on-resource":
		if root.Find("file-resource", sec.Title) == nil {
			return fmt.Errorf("unknown resource: %s", sec.Title)
		}
	}
	return checkTable(sec)
}
