package ubootenv

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// step is one recorded fwup action on an environment (testdata/gen.py).
type step struct {
	Env         string
	BlockOffset uint64
	BlockCount  int
	Redund      *uint64
	Action      string
	Args        []string
	Error       string
	// Before and After map a copy's block offset to its bytes (base64).
	Before, After map[string]string
}

// TestSequence replays what the real fwup did to redundant and single
// environments (clearenv, setenv, unsetenv, recover, with copies corrupted
// and generation counters set in between), starting each step from fwup's
// recorded "before" bytes and comparing the copies and error after it.
func TestSequence(t *testing.T) {
	text, err := os.ReadFile("testdata/sequence.json")
	if err != nil {
		t.Fatal(err)
	}
	var steps []step
	if err := json.Unmarshal(text, &steps); err != nil {
		t.Fatal(err)
	}
	if len(steps) < 20 {
		t.Fatalf("only %d steps", len(steps))
	}
	for i, s := range steps {
		t.Run(fmt.Sprintf("%d-%s-%s%v", i, s.Env, s.Action, s.Args), func(t *testing.T) {
			body := fmt.Sprintf("block-offset = %d block-count = %d", s.BlockOffset, s.BlockCount)
			if s.Redund != nil {
				body += fmt.Sprintf(" block-offset-redund = %d", *s.Redund)
			}
			disk := decodeCopies(t, s.Before)
			secondary := disk[s.BlockOffset]
			if s.Redund != nil {
				secondary = disk[*s.Redund]
			}
			ws, err := runAction(newEnv(t, body), func() *Env { return newEnv(t, body) },
				s.Action, s.Args, disk[s.BlockOffset], secondary)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != s.Error {
				t.Errorf("error %q, want %q", got, s.Error)
			}
			for _, w := range ws {
				if _, ok := disk[w.BlockOffset]; !ok {
					t.Fatalf("write at unexpected block %d", w.BlockOffset)
				}
				disk[w.BlockOffset] = w.Data
			}
			for lba, want := range decodeCopies(t, s.After) {
				if !bytes.Equal(disk[lba], want) {
					t.Errorf("copy at block %d:\n got %x\nwant %x", lba, disk[lba], want)
				}
			}
		})
	}
}

// runAction does what fwup's uboot_* handlers do and returns the copies
// they would write.
func runAction(e *Env, fresh func() *Env, action string, args []string, primary, secondary []byte) ([]Write, error) {
	switch action {
	case "uboot_clearenv":
		return e.Writes()
	case "uboot_recover":
		if e.Read(primary, secondary) != nil {
			return fresh().Writes()
		}
		return nil, nil
	case "uboot_setenv", "uboot_unsetenv":
		if err := e.Read(primary, secondary); err != nil {
			return nil, err
		}
		if action == "uboot_setenv" {
			e.Set(args[0], args[1])
		} else {
			e.Unset(args[0])
		}
		return e.Writes()
	}
	return nil, fmt.Errorf("unknown action %s", action)
}

func decodeCopies(t *testing.T, m map[string]string) map[uint64][]byte {
	t.Helper()
	out := map[uint64][]byte{}
	for k, v := range m {
		lba, err := strconv.ParseUint(k, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if out[lba], err = base64.StdEncoding.DecodeString(v); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestReadSelection covers the choice between redundant copies directly.
func TestReadSelection(t *testing.T) {
	const body = "block-offset = 0 block-count = 1 block-offset-redund = 1"
	cp := func(flag uint8, value string, valid bool) []byte {
		e := newEnv(t, body)
		e.Set("v", value)
		e.Flags = flag - 1
		b, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !valid {
			b[10] ^= 0xff
		}
		return b
	}
	for _, tc := range []struct {
		flag1, flag2   uint8
		valid1, valid2 bool
		value          string // "" when Read fails
		flags          uint8
		writeP, writeS bool
	}{
		{1, 1, true, true, "p", 1, false, true},
		{1, 2, true, true, "s", 2, true, false},
		{2, 1, true, true, "p", 2, false, true},
		{255, 0, true, true, "s", 0, true, false},
		{0, 128, true, true, "p", 0, false, true},
		{0, 127, true, true, "s", 127, true, false},
		{1, 2, true, false, "p", 1, false, true},
		{2, 1, false, true, "s", 1, true, false},
		{1, 2, false, false, "", 1, true, true},
		{2, 1, false, false, "", 1, true, true},
	} {
		e := newEnv(t, body)
		err := e.Read(cp(tc.flag1, "p", tc.valid1), cp(tc.flag2, "s", tc.valid2))
		v, _ := e.Get("v")
		if (err != nil) != (tc.value == "") || (err == nil && v != tc.value) ||
			e.Flags != tc.flags || e.WritePrimary != tc.writeP || e.WriteSecondary != tc.writeS {
			t.Errorf("%+v: got v=%q err=%v flags=%d writes=%v,%v", tc, v, err, e.Flags, e.WritePrimary, e.WriteSecondary)
		}
	}
}
