package crafted

import "fmt"

// hugeNumbers are block offsets and counts whose ×512 overflows, or that
// are negative to strtoll and huge to strtoull.
var hugeNumbers = []string{
	"18446744073709551615", "9223372036854775807", "18014398509481984", "36028797018963968",
	"-1", "-9223372036854775808", "99999999999999999999999",
}

// offsetCalls are the calls that take a block offset or count, with
// that argument written as %s.
var offsetCalls = []struct {
	head, name string
	args       []string
}{
	{`on-resource "data"`, "raw_write", []string{"%s"}},
	{"on-init", "raw_memset", []string{"%s", "1", "0"}},
	{"on-init", "raw_memset", []string{"0", "%s", "0"}},
	{"on-init", "trim", []string{"%s", "1"}},
	{"on-init", "trim", []string{"0", "%s"}},
	{"on-init", "fat_mkfs", []string{"%s", "1"}},
	{"on-init", "fat_mkfs", []string{"0", "%s"}},
	{"on-init", "fat_mkdir", []string{"%s", "d"}},
	{"on-init", "fat_touch", []string{"%s", "f"}},
	{`on-resource "data"`, "fat_write", []string{"%s", "f"}},
	{"on-init", "fat_cp", []string{"%s", "a", "b"}},
	{"on-init", "fat_cp", []string{"0", "a", "b", "%s"}},
}

// Offsets is class 2: block offsets and counts that overflow, in calls,
// in an MBR, a GPT and a U-Boot environment, and requirements reading
// at them; applied to a file, and with --max-size.
func Offsets() []Case {
	var cs []Case
	for _, h := range hugeNumbers {
		for _, c := range offsetCalls {
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = fmt.Sprintf(a, h)
				if a != "%s" {
					args[i] = a
				}
			}
			fw := dataArchive("5120", handler(c.head, funlist(c.name, args...)))
			name := fmt.Sprintf("%s(%v)/%s", c.name, c.args, h)
			cs = append(cs, archiveCases(2, name, fw)...)
			cs = append(cs, Case{Class: 2, Name: name + "/max-size", Files: map[string][]byte{Input: fw},
				Args: applyArgs("--max-size", "65536")})
		}
		cs = append(cs, tableOffsets(h)...)
	}
	return cs
}

// tableOffsets puts n in the tables' block offsets and in requirements.
func tableOffsets(n string) []Case {
	metas := map[string]string{
		"mbr":  dataResource("5120") + "mbr \"m\" {\npartition \"0\" {\nblock-offset=" + n + "\nblock-count=" + n + "\ntype=131\n}\n}\n" + task(handler("on-init", funlist("mbr_write", "m"))),
		"gpt":  dataResource("5120") + "gpt \"g\" {\nguid=\"b443fbeb-2c93-481b-88b3-0ecb0aeba911\"\npartition \"0\" {\nblock-offset=" + n + "\nblock-count=" + n + "\ntype=\"0fc63daf-8483-4772-8e79-3d69d8477de4\"\nguid=\"fcc205c8-2f1c-4dcd-bef4-7b209aa15cca\"\n}\n}\n" + task(handler("on-init", funlist("gpt_write", "g"))),
		"env":  dataResource("5120") + "uboot-environment \"env\" {\nblock-offset=" + n + "\nblock-count=16\n}\n" + task(handler("on-init", funlist("uboot_setenv", "env", "a", "b"))),
		"envc": dataResource("5120") + "uboot-environment \"env\" {\nblock-offset=0\nblock-count=" + n + "\n}\n" + task(handler("on-init", funlist("uboot_clearenv", "env"))),
		"req":  dataResource("5120") + tables + task("reqlist="+funlist("require-partition-offset", "0", n)+",\n"+funlist("require-fat-file-exists", n, "f")+"\n"),
		"reqenv": dataResource("5120") + "uboot-environment \"env\" {\nblock-offset=" + n + "\nblock-count=" + n + "\n}\n" +
			task("reqlist="+funlist("require-uboot-variable", "env", "a", "b")+"\n"),
	}
	var cs []Case
	for kind, m := range metas {
		cs = append(cs, archiveCases(2, kind+"/"+n, Archive(m, Resource{"data", data}), "apply", "verify", "native-apply")...)
	}
	return cs
}
