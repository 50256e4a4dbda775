package ubootenv

import (
	"fmt"
	"slices"
	"strings"

	"github.com/firmwright/firmwright/internal/cstr"
)

// BlockSize is the unit of block offsets and counts.
const BlockSize = 512

// Env is one U-Boot environment: where it lives, its variables, and which
// copies the next write goes to.
type Env struct {
	// BlockOffset is where the (first) copy starts, in blocks.
	BlockOffset uint64
	// BlockCount is the size of each copy in blocks (1 to 65534).
	BlockCount int
	// Redundant is set when a second copy lives at RedundBlockOffset.
	// Without it RedundBlockOffset equals BlockOffset.
	Redundant         bool
	RedundBlockOffset uint64

	// Flags is the generation counter of the copy that was read (0 when
	// none was); a write stores Flags+1.
	Flags uint8
	// WritePrimary and WriteSecondary say which copies the next write
	// goes to. A new Env writes every copy; Read points them at the copy
	// that was not current.
	WritePrimary, WriteSecondary bool

	// vars is in fwup's list order: the most recently added variable
	// first, so Get finds the last of duplicate names read from a block.
	vars []Var
}

// Var is one environment variable.
type Var struct {
	Name, Value string
}

// Size is the size of one copy in bytes.
func (e *Env) Size() int { return e.BlockCount * BlockSize }

// dataOffset is where the variables start: after the CRC and, for
// redundant environments, the flag byte.
func (e *Env) dataOffset() int {
	if e.Redundant {
		return 5
	}
	return 4
}

// Get returns a variable's value, or fwup's "variable 'NAME' not found".
func (e *Env) Get(name string) (string, error) {
	name = cstr.String(name)
	for _, v := range e.vars {
		if v.Name == name {
			return v.Value, nil
		}
	}
	return "", fmt.Errorf("variable '%s' not found", name)
}

// Set sets a variable, replacing its value if it exists. Like C strings,
// name and value end at a NUL byte.
func (e *Env) Set(name, value string) {
	name, value = cstr.String(name), cstr.String(value)
	for i := range e.vars {
		if e.vars[i].Name == name {
			e.vars[i].Value = value
			return
		}
	}
	e.vars = slices.Insert(e.vars, 0, Var{name, value})
}

// Unset removes a variable; removing a missing one is not an error.
func (e *Env) Unset(name string) {
	name = cstr.String(name)
	for i := range e.vars {
		if e.vars[i].Name == name {
			e.vars = slices.Delete(e.vars, i, i+1)
			return
		}
	}
}

// Vars returns the variables sorted by name (byte order), as Encode
// stores them.
func (e *Env) Vars() []Var {
	vs := slices.Clone(e.vars)
	sortVars(vs)
	return vs
}

// sortVars sorts by name in strcmp order, keeping the order of equal
// names.
func sortVars(vs []Var) {
	slices.SortStableFunc(vs, func(a, b Var) int { return strings.Compare(a.Name, b.Name) })
}
