package main

import (
	"os"
	"testing"
)

func TestZZProfBuild(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	b := "/work/scratch/bench/build"
	t.Chdir(b)
	for i := 0; i < 3; i++ {
		os.Remove("ours.fw")
		os.Remove("ours.img")
		_, e, code := runCLI(t, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}, "build", "--system", "rpi4", "--base", "images", "--release", "/work/scratch/bench/ex/release", "-o", "ours.fw", "--image", "ours.img")
		if code != 0 {
			t.Fatal(e)
		}
	}
}
