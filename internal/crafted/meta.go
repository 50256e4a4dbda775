package crafted

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/blake2b"
)

// data is the resource every crafted archive carries: 5 KiB, so actions
// that take a whole number of blocks see some.
var data = func() []byte {
	b := make([]byte, 5120)
	for i := range b {
		b[i] = byte(i*7 + i>>9)
	}
	return b
}()

// dataResource is meta.conf's section for data with the given length
// lines and digest.
func dataResource(length string) string {
	return fmt.Sprintf("file-resource \"data\" {\nlength=%s\nblake2b-256=%x\n}\n", length, blake2b.Sum256(data))
}

// tables are the references handlers may name: an MBR, a GPT and a
// U-Boot environment, each valid.
const tables = `mbr "mbr-a" {
partition "0" {
block-offset=64
block-count=1024
type=131
}
}
gpt "gpt-a" {
guid="b443fbeb-2c93-481b-88b3-0ecb0aeba911"
partition "0" {
block-offset=2048
block-count=1024
type="0fc63daf-8483-4772-8e79-3d69d8477de4"
guid="fcc205c8-2f1c-4dcd-bef4-7b209aa15cca"
name="data"
}
}
uboot-environment "env" {
block-offset=4096
block-count=16
}
`

// task is meta.conf's task "complete" with the given body.
func task(body string) string { return "task \"complete\" {\n" + body + "}\n" }

// handler is a handler section holding one funlist.
func handler(head, funlist string) string {
	return head + " {\nfunlist=" + funlist + "\n}\n"
}

// funlist writes a call the way meta.conf records it: the count of the
// name and arguments, then each.
func funlist(name string, args ...string) string {
	parts := append([]string{fmt.Sprint(len(args) + 1), name}, args...)
	for i, p := range parts[1:] {
		parts[i+1] = quote(p)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// quote is how fwup writes a string in meta.conf.
func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) < 0 {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// metaWith is a whole meta.conf: the data resource, the tables and a task.
func metaWith(length, body string) string {
	return dataResource(length) + tables + task(body)
}

// dataArchive is an archive of metaWith holding the data resource.
func dataArchive(length, body string) []byte {
	return Archive(metaWith(length, body), Resource{"data", data})
}
