package erlang

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/internal/oracle"
	"github.com/firmwright/firmwright/rootfs/rootfstest"
)

// etfEncode writes the terms bootInstructions reads, by hand: atoms,
// charlists, tuples, lists.
type etfEnc struct{ bytes.Buffer }

func (e *etfEnc) atom(s string) *etfEnc {
	e.WriteByte(etfSmallAtomUTF8)
	e.WriteByte(byte(len(s)))
	e.WriteString(s)
	return e
}
func (e *etfEnc) str(s string) *etfEnc {
	e.WriteByte(etfString)
	binary.Write(e, binary.BigEndian, uint16(len(s)))
	e.WriteString(s)
	return e
}
func (e *etfEnc) tuple(n int) *etfEnc { e.WriteByte(etfSmallTuple); e.WriteByte(byte(n)); return e }
func (e *etfEnc) list(n int) *etfEnc {
	e.WriteByte(etfListTag)
	binary.Write(e, binary.BigEndian, uint32(n))
	return e
}
func (e *etfEnc) nil() *etfEnc { e.WriteByte(etfNil); return e }

// handBoot is {script, {"demo", "1"}, [{path, Dirs}, {primLoad, Mods}, {kernel_load_completed}]}.
func handBoot(dirs, mods []string) []byte {
	e := &etfEnc{}
	e.WriteByte(etfVersion)
	e.tuple(3).atom("script").tuple(2).str("demo").str("1")
	e.list(3)
	e.tuple(2).atom("path").list(len(dirs))
	for _, d := range dirs {
		e.str(d)
	}
	e.nil()
	e.tuple(2).atom("primLoad").list(len(mods))
	for _, m := range mods {
		e.atom(m)
	}
	e.nil()
	e.tuple(1).atom("kernel_load_completed")
	e.nil()
	return e.Bytes()
}

func TestBootOrderHandMade(t *testing.T) {
	boot := handBoot([]string{"$RELEASE_LIB/app-1.0/ebin", "$ROOT/lib/kernel-9.0/ebin"}, []string{"zeta", "app", "alpha", "missing"})
	compressed := func(raw []byte) []byte {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(raw[1:])
		w.Close()
		out := []byte{etfVersion, etfCompressed, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(out[2:], uint32(len(raw)-1))
		return append(out, z.Bytes()...)
	}
	for name, data := range map[string][]byte{"plain": boot, "compressed": compressed(boot)} {
		t.Run(name, func(t *testing.T) {
			tr := rootfstest.MemTree(t,
				"sbin/init f 755 0:0 erlinit",
				"etc/erlinit.config f 644 0:0 -v",
				"srv/erlang/lib/app-1.0/ebin/app.beam f 644 0:0 b",
				"srv/erlang/lib/app-1.0/ebin/zeta.beam f 644 0:0 b",
				"srv/erlang/lib/app-1.0/ebin/app.app f 644 0:0 {}",
				"srv/erlang/lib/app-1.0/priv/data/x.bin f 644 0:0 x",
				"srv/erlang/lib/kernel-9.0/ebin/alpha.beam f 644 0:0 b",
				"srv/erlang/lib/kernel-9.0/ebin/zeta.beam f 644 0:0 shadowed",
				"srv/erlang/lib/kernel-9.0/ebin/kernel.app f 644 0:0 {}",
				"srv/erlang/releases/1/start.boot f 644 0:0 "+string(data),
			)
			got, err := BootOrder(tr, "/srv/erlang/releases/1/start.boot")
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"sbin/init", "etc/erlinit.config",
				"srv/erlang/lib/app-1.0/ebin/zeta.beam",
				"srv/erlang/lib/app-1.0/ebin/app.beam",
				"srv/erlang/lib/kernel-9.0/ebin/alpha.beam",
				"srv/erlang/lib/app-1.0/ebin/app.app",
				"srv/erlang/lib/kernel-9.0/ebin/kernel.app",
				"srv/erlang/lib/app-1.0/priv/data/x.bin",
			}
			if !slices.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestBootOrderErrors(t *testing.T) {
	tr := rootfstest.MemTree(t,
		"r/releases/1/bad.boot f 644 0:0 not a term",
		"r/releases/1/list.boot f 644 0:0 \x83\x6a",
	)
	tests := []struct{ boot, want string }{
		{"r/start.boot", "boot file r/start.boot: expected <release>/releases/<version>/<name>.boot"},
		{"r/releases/1/none.boot", "r/releases/1/none.boot: no such file in the tree"},
		{"r/releases/1/bad.boot", "boot file r/releases/1/bad.boot: not an Erlang external term (no version byte 131)"},
		{"r/releases/1/list.boot", "boot file r/releases/1/list.boot: not a boot script: expected {script, {Name, Vsn}, Instructions}"},
	}
	for _, tc := range tests {
		_, err := BootOrder(tr, tc.boot)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %s", tc.boot, err, tc.want)
		}
	}
}

// TestBootOrderRealBootFile reads a boot file systools:make_script made
// (OTP 25: kernel, stdlib, sasl) and checks the decoder against what
// Erlang itself reads from it (demo.loads, written by binary_to_term),
// and against erl again when it is installed.
func TestBootOrderRealBootFile(t *testing.T) {
	boot, err := os.ReadFile("testdata/boot/demo.boot")
	if err != nil {
		t.Fatal(err)
	}
	loads, err := os.ReadFile("testdata/boot/demo.loads")
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, loads []byte) {
		instrs, err := bootInstructions(boot)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, in := range instrs {
			b.WriteString(in.op)
			for _, a := range in.args {
				b.WriteString(" " + a)
			}
			b.WriteString("\n")
		}
		if b.String() != string(loads) {
			t.Errorf("decoded\n%s\nErlang reads\n%s", b.String(), loads)
		}
	}
	t.Run("golden", func(t *testing.T) { check(t, loads) })
	t.Run("erl", func(t *testing.T) {
		out, err := exec.Command(oracle.Tool(t, "erl"), "-noshell", "-eval", `
{ok,B}=file:read_file("testdata/boot/demo.boot"), {script,_,Is}=binary_to_term(B),
L=[case I of {path,P} -> ["path" | [[" ",D] || D<-P]] ++ "\n"; {primLoad,M} -> ["primLoad" | [[" ",atom_to_list(X)] || X<-M]] ++ "\n"; _ -> [] end || I<-Is],
io:put_chars(L), halt().`).Output()
		if err != nil {
			t.Fatal(err)
		}
		check(t, out)
	})

	// Lay the modules out as a release would and check the order.
	instrs, _ := bootInstructions(boot)
	specs := []string{"sbin/init f 755 0:0 x", "srv/erlang/releases/0.1.0/start.boot f 644 0:0 " + string(boot)}
	var want []string
	var dirs []string
	seen := map[string]bool{}
	for _, in := range instrs {
		if in.op == "path" {
			dirs = nil
			for _, d := range in.args {
				dirs = append(dirs, path.Join("srv/erlang", strings.TrimPrefix(d, "$ROOT/")))
			}
			continue
		}
		for _, m := range in.args {
			p := path.Join(dirs[0], m+".beam")
			if !seen[p] {
				seen[p] = true
				specs = append(specs, p+" f 644 0:0 b")
				want = append(want, p)
			}
		}
	}
	got, err := BootOrder(rootfstest.MemTree(t, specs...), "srv/erlang/releases/0.1.0/start.boot")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[1:], want) || got[0] != "sbin/init" {
		t.Errorf("order differs: got %d paths, want %d", len(got)-1, len(want))
	}
	if len(want) < 100 {
		t.Errorf("only %d modules in the boot script", len(want))
	}
}

func FuzzDecodeETF(f *testing.F) {
	if boot, err := os.ReadFile("testdata/boot/demo.boot"); err == nil {
		f.Add(boot)
	}
	f.Add(handBoot([]string{"$ROOT/lib/a-1/ebin"}, []string{"m"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeETF(data)
		bootInstructions(data)
	})
}
