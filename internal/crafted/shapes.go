package crafted

import (
	"fmt"

	"github.com/firmwright/firmwright/fwup/apply"
)

// Shapes is class 1: meta.conf shapes create never writes but an
// unsigned archive may carry. Every function of fwup.conf in every
// context with too few, enough and too many arguments, and lists that
// lie about their own length.
func Shapes() []Case {
	var cs []Case
	for _, a := range apply.Actions {
		for _, n := range argCounts(a) {
			args := zeros(n)
			for _, ctx := range contexts(a) {
				name := fmt.Sprintf("%s/%d-args/%s", a.Name, n, ctx.name)
				cs = append(cs, archiveCases(1, name, dataArchive("5120", ctx.body(a.Name, args)))...)
			}
		}
	}
	for i, l := range badLists {
		cs = append(cs, archiveCases(1, fmt.Sprintf("funlist-%d", i), dataArchive("5120", handler("on-init", l)))...)
		cs = append(cs, archiveCases(1, fmt.Sprintf("reqlist-%d", i), dataArchive("5120", "reqlist="+l+"\n"))...)
	}
	for i, m := range badSections {
		cs = append(cs, archiveCases(1, fmt.Sprintf("section-%d", i), Archive(m, Resource{"data", data}), "apply", "verify", "list", "metadata", "native-apply", "native-verify")...)
	}
	return cs
}

// argCounts are too few, the fewest, the most and one too many.
func argCounts(a *apply.Action) []int {
	var ns []int
	for n := 0; n < a.MinArgs; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, a.MinArgs)
	if a.MaxArgs != a.MinArgs {
		ns = append(ns, a.MaxArgs)
	}
	if a.MaxArgs+1 < apply.MaxCallArgs {
		ns = append(ns, a.MaxArgs+1)
	}
	return ns
}

func zeros(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = "0"
	}
	return s
}

// callContext places a call in a task.
type callContext struct {
	name string
	body func(fn string, args []string) string
}

func inHandler(head string) callContext {
	return callContext{head, func(fn string, args []string) string { return handler(head, funlist(fn, args...)) }}
}

var handlerContexts = []callContext{
	inHandler("on-init"), inHandler(`on-resource "data"`), inHandler("on-finish"), inHandler("on-error"),
}

// inTask calls fn as a requirement of the task.
var inTask = callContext{"task", func(fn string, args []string) string {
	return "reqlist=" + funlist(fn, args...) + "\n" + handler(`on-resource "data"`, funlist("raw_write", "0"))
}}

// contexts are every place a call could be written: handlers call
// requirements too, and tasks actions, in what an archive may hold.
func contexts(a *apply.Action) []callContext {
	if a.Contexts == apply.InTask {
		return append([]callContext{inTask}, handlerContexts[0])
	}
	return append(handlerContexts, inTask)
}

// badLists are funlists and reqlists whose count does not fit them.
var badLists = []string{
	`{}`, `{0}`, `{1}`, `{2}`, `{-1,info}`, `{x,info,a}`, `{3,info,a}`, `{1,info,a,b}`,
	`{18446744073709551617,info}`, `{2,info,a,2,info}`, `{2,"",a}`, `{11,info,1,2,3,4,5,6,7,8,9,10}`,
	`"2,info,a"`, `{2,raw_write,64,2,raw_write}`,
}

// badSections are meta.conf files with a section or value of a shape
// apply reads: missing digests, odd tables, tasks naming nothing.
var badSections = []string{
	"file-resource \"data\" {\nlength=5120\n}\n" + task(handler(`on-resource "data"`, funlist("raw_write", "0"))),
	"file-resource \"data\" {\nlength=5120\nblake2b-256=zz\n}\n" + task(handler(`on-resource "data"`, funlist("raw_write", "0"))),
	"file-resource \"data\" {\nlength=5120\nblake2b-256=00\n}\n" + task(handler(`on-resource "data"`, funlist("raw_write", "0"))),
	dataResource("5120") + task(handler(`on-resource "nothing"`, funlist("raw_write", "0"))),
	dataResource("5120") + task(""),
	dataResource("5120") + "task \"complete\" {\nrequire-fwup-version=\"x.y\"\n}\n",
	dataResource("5120") + "task \"\" {\n}\n",
	dataResource("5120") + "mbr \"m\" {\npartition \"9\" {\nblock-offset=1\nblock-count=1\ntype=999\n}\n}\n" + task(handler("on-init", funlist("mbr_write", "m"))),
	dataResource("5120") + "mbr \"m\" {\npartition \"0\" {\nblock-offset=-1\nblock-count=-1\ntype=-1\n}\n}\n" + task(handler("on-init", funlist("mbr_write", "m"))),
	dataResource("5120") + "gpt \"g\" {\nguid=\"x\"\npartition \"200\" {\nblock-offset=1\nblock-count=1\ntype=\"y\"\n}\n}\n" + task(handler("on-init", funlist("gpt_write", "g"))),
	dataResource("5120") + "uboot-environment \"env\" {\nblock-offset=0\nblock-count=0\n}\n" + task(handler("on-init", funlist("uboot_setenv", "env", "a", "b"))),
	dataResource("5120") + "uboot-environment \"env\" {\nblock-offset=0\nblock-count=1\nblock-offset-redund=1\n}\n" + task(handler("on-init", funlist("uboot_recover", "env"))),
	dataResource("5120") + "mbr \"m\" {\nbootstrap-code-host-path=\"/etc/passwd\"\n}\n" + task(handler("on-init", funlist("mbr_write", "m"))),
	dataResource("5120") + "mbr \"m\" {\nosip=\"x\"\n}\n" + task(handler("on-init", funlist("mbr_write", "m"))),
	"meta-product=\"" + string(make([]byte, 3)) + "\"\n" + dataResource("5120") + task(""),
	"}\n", "{\n", "task\n", "file-resource {\n}\n", "task \"complete\" {\non-init {\non-init {\n}\n}\n}\n",
}
