package conf

import (
	"errors"
	"strings"
	"testing"
)

func TestEval(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want int64
		ok   bool
	}{
		{"(2 + 3) * 4 - 010 + 0x10 + 2^3 + 1K/512", 38, true}, // fwup-format.md §2.3
		{"2^3^2", 512, true},
		{"-2^2", -4, true},
		{"--5", 5, true},
		{"-7/2", -3, true},
		{"1+2K", 2049, true},
		{"(1+1)K", 2048, true},
		{"1 K", 1024, true},
		{"4M/512", 8192, true},
		{"1kB + 1MB + 1GB + 1c + 1w + 1b + 1G", 1000 + 1000000 + 1000000000 + 1 + 2 + 512 + 1<<30, true},
		{"2^63", -9223372036854775808, true},
		{"99999999999999999999", 9223372036854775807, true},
		{"+5", 5, true},
		{"1/0", 0, false},
		{"(1+", 0, false},
		{"1)", 0, false},
		{"08", 0, false},
		{"2^64", 0, false},
		{"2^-1", 0, false},
		{"5 5", 0, false},
		{"1T", 0, false},
		{"", 0, false},
	} {
		got, err := Eval(tc.expr)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("Eval(%q) = %d, %v; want %d (ok=%v)", tc.expr, got, err, tc.want, tc.ok)
		}
	}
}

func parse(t *testing.T, text string, env map[string]string) *Section {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	root, err := Parse("t.conf", ".", []byte(text), Options{Env: env})
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	return root
}

func TestLexing(t *testing.T) {
	env := map[string]string{"SET": "v", "EMPTY": ""}
	for _, tc := range []struct{ text, want string }{
		{`meta-misc = "a\tb\x41\101\q\$\\"`, "a\tbAAq$\\"},
		{`meta-misc = "${SET}${UNSET:-d}${EMPTY:-d}"`, "vd"}, // a set-but-empty variable wins over :-
		{`meta-misc = "\${FWUP_META_UUID}"`, "${FWUP_META_UUID}"},
		{`meta-misc = 'a${SET}\n\'\\'`, `a${SET}\n'\`},
		{"meta-misc = \"a\\\nb\"", "ab"},
		{`meta-misc = ${SET}`, "v"},
		{`meta-misc = a//b`, "a//b"},
		{"meta-misc = a # comment\n", "a"},
		{`meta-misc = a*`, "a"},
		{`meta-misc = "x\0y"`, "x"},
		{`define(D, 1) define(D, 2) define!(E, 1) define!(E, 2) meta-misc = "${D}${E}"`, "12"},
		{`define-eval(N, "3*4") meta-misc = ${N}`, "12"},
	} {
		root := parse(t, tc.text, copyEnv(env))
		if got := root.String("meta-misc"); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.text, got, tc.want)
		}
	}
}

func copyEnv(m map[string]string) map[string]string {
	c := map[string]string{}
	for k, v := range m {
		c[k] = v
	}
	return c
}

// TestLineNumbers pins libconfuse 3.3's line counting, which fwup's
// messages show: two extra lines per line comment, one per block comment.
func TestLineNumbers(t *testing.T) {
	for _, tc := range []struct {
		text string
		line int
	}{
		{"# c1\n# c2\n# c3\nfoo = 1", 10},
		{"// c\nfoo=1", 4},
		{"/* x */ foo = 1", 2},
		{"/* a\nb\nc */\nfoo = 1", 5},
		{"meta-product = x # c\nfoo = 1", 4},
		{"\n\nfoo = 1", 3},
	} {
		_, err := Parse("t.conf", ".", []byte(tc.text), Options{Env: map[string]string{}})
		e, ok := err.(*Error)
		if !ok || e.Pos.Line != tc.line || !strings.Contains(e.Msg, "no such option 'foo'") {
			t.Errorf("%q: %v, want line %d", tc.text, err, tc.line)
		}
	}
}

func TestMetaConfPrinting(t *testing.T) {
	root := parse(t, `meta-product = "a b"
meta-version = 1.0
meta-misc = ""
block-cache-size-mb = 010
file-resource x { length = {1, 2.5, 1e3, 0x10} blake2b-256 = ab }
task empty { }
task t { on-init { } on-finish { info("q\"\\") } }`, nil)
	want := `meta-product="a b"
meta-version=1.0
file-resource "x" {
length={1,2,1000,16}
blake2b-256=ab
}
task "empty" {
}
task "t" {
on-finish {
funlist={2,info,"q\"\\"}
}
}
`
	if got := string(root.MetaConf()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := string(parse(t, "", nil).MetaConf()); got != "# Empty file\n" {
		t.Errorf("empty config printed %q", got)
	}
}

// TestDeviceParse reads meta.conf as a device does: unknown keys and
// sections from newer fwups are skipped, funlists become calls.
func TestDeviceParse(t *testing.T) {
	root, err := Parse("meta.conf", "", []byte(`meta-product=x
meta-future=1
future-section "a" { k=v }
task "t" {
on-init {
funlist={2,info,hi,3,fat_mkdir,0,d}
}
}
`), Options{Env: map[string]string{}, Device: true})
	if err != nil {
		t.Fatal(err)
	}
	calls := root.Find("task", "t").Handler("on-init").Calls
	if len(calls) != 2 || calls[1].Name != "fat_mkdir" || strings.Join(calls[1].Args, ",") != "0,d" {
		t.Errorf("calls = %v", calls)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"meta-product = \"x\"\ntask a { on-init { info(\"hi\") } }",
		"define-eval(X, \"1+2\") file-resource a { contents = \"${X}\" }",
		"mbr m { partition 0 { block-offset = 1 block-count = 2 type = 0xc } }",
		"/* c */ # c\n'a\\'b' = {1,2,}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		root, err := Parse("f.conf", ".", []byte(text), Options{Env: map[string]string{},
			ReadFile: func(string) ([]byte, error) { return nil, errNoFiles }})
		if err != nil {
			return
		}
		// Whatever parses must print, and what prints must parse again
		// on a device to the same meta.conf.
		meta := root.MetaConf()
		again, err := Parse("meta.conf", "", meta, Options{Env: map[string]string{}, Device: true})
		if err != nil {
			t.Fatalf("meta.conf of %q does not parse: %v\n%s", text, err, meta)
		}
		if string(again.MetaConf()) != string(meta) {
			t.Fatalf("meta.conf of %q is not stable:\n%s\n---\n%s", text, meta, again.MetaConf())
		}
	})
}

var errNoFiles = errors.New("no files in fuzzing")
