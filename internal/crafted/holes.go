package crafted

// Holes is class 10's apply side: resources that are almost all hole,
// written by the actions that fill holes.
func Holes() []Case {
	const eightGiB = "8589934592"
	var cs []Case
	for _, h := range []string{funlist("pipe_write", "cat >/dev/null"), funlist("raw_write", "0")} {
		fw := dataArchive("{5120,"+eightGiB+"}", handler(`on-resource "data"`, h))
		cs = append(cs, Case{Class: 10, Name: "8GiB-hole/" + h, Files: map[string][]byte{Input: fw},
			Args: applyArgs("--unsafe")})
	}
	return cs
}
