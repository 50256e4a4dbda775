package crafted

import "fmt"

// Memory is class 4: allocation an archive asks for, through the block
// cache's size and writes far past a device's known end.
func Memory() []Case {
	var cs []Case
	write := handler(`on-resource "data"`, funlist("raw_write", "0"))
	for _, mb := range []string{"2147483647", "100000", "4096", "-1", "0", "9223372036854775807"} {
		fw := Archive("block-cache-size-mb="+mb+"\n"+metaWith("5120", write), Resource{"data", data})
		cs = append(cs, archiveCases(4, "block-cache-size-mb="+mb, fw, "apply", "verify", "native-apply")...)
	}
	for _, block := range []string{"9007199254740992", "4294967296", "137438953472"} {
		for _, call := range []string{funlist("raw_write", block), funlist("trim", "0", block)} {
			head := `on-resource "data"`
			if call[3:7] == "trim" {
				head = "on-init"
			}
			fw := dataArchive("5120", handler(head, call))
			for _, max := range []string{"65536", "68719476736"} {
				cs = append(cs, Case{Class: 4, Name: fmt.Sprintf("%s/max-size=%s", call, max),
					Files: map[string][]byte{Input: fw}, Args: applyArgs("--max-size", max)})
			}
		}
	}
	return cs
}
