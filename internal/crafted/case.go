package crafted

import (
	"bytes"
	"fmt"

	"github.com/firmwright/firmwright/fwup/archive"
)

// Case is one hostile input and the fwup command line that reads it.
type Case struct {
	Class int    // the class of issue 14 it belongs to
	Name  string // what it is, unique in its class
	// Files are written into an empty directory the command runs in.
	Files map[string][]byte
	// Want is the verdict the case must get when it has one answer (a
	// damaged archive must fail; a sound one apply).
	Want Verdict
	// Args are firmwright's arguments: "fwup" and fwup's arguments, or
	// a native command's.
	Args []string
}

// Input is the name every case gives its .fw or fwup.conf.
const (
	Input  = "case.fw"
	Config = "fwup.conf"
	Output = "out.img"
)

// Resource is one data entry of a crafted archive.
type Resource struct {
	Name string
	Data []byte
}

// Archive is an unsigned .fw: meta.conf as given, then each resource
// stored under data/.
func Archive(meta string, res ...Resource) []byte {
	var b bytes.Buffer
	w := archive.NewWriter(&b)
	must(w.WriteStored(archive.Entry{Name: "meta.conf"}, []byte(meta)))
	for _, r := range res {
		must(w.WriteStored(archive.Entry{Name: "data/" + r.Name}, r.Data))
	}
	must(w.Close())
	return b.Bytes()
}

// must panics on an error writing to memory, which cannot happen.
func must(err error) {
	if err != nil {
		panic(err)
	}
}

// The ways a case's archive is read: fwup's apply to a file, verify,
// list and metadata, and the native apply and verify.
func applyArgs(extra ...string) []string {
	return append([]string{"fwup", "-a", "-q", "-i", Input, "-d", Output, "-t", "complete"}, extra...)
}

var readModes = map[string][]string{
	"apply":         applyArgs(),
	"verify":        {"fwup", "-V", "-i", Input},
	"list":          {"fwup", "-l", "-i", Input},
	"metadata":      {"fwup", "-m", "-i", Input},
	"native-apply":  {"apply", "-q", "-t", "complete", "-d", Output, Input},
	"native-verify": {"verify", Input},
}

// FwupArgs are the arguments a real fwup takes for the case, or nil for
// a native command.
func (c Case) FwupArgs() []string {
	if len(c.Args) > 0 && c.Args[0] == "fwup" {
		return c.Args[1:]
	}
	return nil
}

// archiveCases is one case per way of reading the archive.
func archiveCases(class int, name string, fw []byte, modes ...string) []Case {
	if len(modes) == 0 {
		modes = []string{"apply", "verify"}
	}
	var cs []Case
	for _, m := range modes {
		cs = append(cs, Case{Class: class, Name: fmt.Sprintf("%s/%s", name, m),
			Files: map[string][]byte{Input: fw}, Args: readModes[m]})
	}
	return cs
}

// Verdict is what a case must end with, besides not crashing.
type Verdict int

const (
	Either  Verdict = iota // exit 0, or exit 1 with a message
	Fails                  // exit 1 with a message
	Applies                // exit 0
)

func (v Verdict) String() string {
	return [...]string{"either exit 0 or 1", "exit 1", "exit 0"}[v]
}

// wanting sets the verdict every case must get.
func wanting(status Verdict, cs []Case) []Case {
	for i := range cs {
		cs[i].Want = status
	}
	return cs
}

// All is every case of every class.
func All() []Case {
	var cs []Case
	for _, gen := range []func() []Case{Shapes, Offsets, Lengths, Memory, Archives, Blowups, Holes} {
		cs = append(cs, gen()...)
	}
	return cs
}
