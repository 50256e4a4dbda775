package crafted

import (
	"fmt"
	"strings"
)

// badLengths are length entries a resource's sparse map could hold.
var badLengths = []string{
	"-1", "{0,-10,5120}", "{5120,9223372036854775807}", "{9223372036854775807,9223372036854775807,1}",
	"18446744073709551615", "{-5120,10240}", "0", "1", "5119", "5121", "{1,1,1,1,1}", "x", "{}",
	"{5120,-1,0}", "{2560,-2560,2560}", "4611686018427387904", "{5120," + strings.Repeat("0,", 5000) + "0}",
	"{0," + strings.Repeat("1,1,", 20000) + "1}",
}

// lengthHandlers consume the resource in the ways that read its map.
var lengthHandlers = []string{
	funlist("raw_write", "0"), funlist("fat_write", "64", "f"), funlist("pipe_write", "cat >/dev/null"),
	funlist("path_write", "out.path"),
}

// Lengths is class 3: negative, huge and lying length entries, read by
// every action that consumes a resource, and by -V and -l.
func Lengths() []Case {
	var cs []Case
	for i, l := range badLengths {
		for _, h := range lengthHandlers {
			body := handler("on-init", funlist("fat_mkfs", "64", "8192")) + handler(`on-resource "data"`, h)
			name := fmt.Sprintf("length-%d/%s", i, h[:strings.IndexByte(h[3:], ',')+3])
			cs = append(cs, Case{Class: 3, Name: name, Files: map[string][]byte{Input: dataArchive(l, body)},
				Args: applyArgs("--unsafe")})
		}
		cs = append(cs, archiveCases(3, fmt.Sprintf("length-%d", i), dataArchive(l, handler(`on-resource "data"`, funlist("raw_write", "0"))), "verify", "list", "native-apply", "native-verify")...)
	}
	return cs
}
