package crafted

import (
	"fmt"
	"strings"
)

// Blowups is class 6: fwup.conf files whose evaluation would exhaust the
// stack or the memory of create.
func Blowups() []Case {
	confs := map[string]string{
		"define-eval-nesting":  "define-eval(X, \"" + strings.Repeat("(", 20_000_000) + "1" + strings.Repeat(")", 20_000_000) + "\")\n",
		"define-eval-unclosed": "define-eval(X, \"" + strings.Repeat("(", 1_000_000) + "\")\n",
		"define-eval-ops":      "define-eval(X, \"" + strings.Repeat("1+", 5_000_000) + "1\")\n",
		"define-doubling":      doublingDefines(40, "define"),
		"define-eval-doubling": doublingDefines(40, "define-eval"),
		"section-nesting":      strings.Repeat("task t {\n", 1_000_000),
		"include-self":         "include(\"fwup.conf\")\n",
		"long-string":          "meta-product=\"" + strings.Repeat("x", 64<<20) + "\"\n",
		"define-chain":         defineChain(200_000),
	}
	for name, c := range extraConfs {
		confs[name] = c
	}
	var cs []Case
	for name, c := range confs {
		cs = append(cs, Case{Class: 6, Name: name, Files: map[string][]byte{Config: []byte(c)},
			Args: []string{"fwup", "-c", "-f", Config, "-o", Input}})
	}
	return cs
}

// extraConfs are more blowups, added where they are explained.
var extraConfs = map[string]string{}

// doublingDefines makes each variable the previous one twice: 2^n bytes.
func doublingDefines(n int, how string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "define(V0, \"ab\")\n")
	for i := 1; i <= n; i++ {
		if how == "define-eval" {
			fmt.Fprintf(&b, "define-eval(V%d, \"${V%d}${V%d}\")\n", i, i-1, i-1)
		} else {
			fmt.Fprintf(&b, "define(V%d, \"${V%d}${V%d}\")\n", i, i-1, i-1)
		}
	}
	fmt.Fprintf(&b, "meta-product=\"${V%d}\"\n", n)
	return b.String()
}

// defineChain makes each variable name the next, n deep.
func defineChain(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "define(V%d, \"${V%d}\")\n", i, i+1)
	}
	b.WriteString("meta-product=\"${V0}\"\n")
	return b.String()
}

func init() {
	// Right-associative powers recurse as parentheses do.
	extraConfs["define-eval-powers"] = "define-eval(X, \"" + strings.Repeat("1^", 5_000_000) + "1\")\n"
	extraConfs["define-eval-minus"] = "define-eval(X, \"" + strings.Repeat("-", 20_000_000) + "1\")\n"
}
