//go:build linux

package main

// BenchmarkBuildExample times `firmwright build` (the .fw and the image)
// on the example inputs against the chain mix firmware runs for the same
// result, in the same run:
//
//	examples/make-inputs /tmp/ex
//	FIRMWRIGHT_EXAMPLE=/tmp/ex FIRMWRIGHT_REF_FWUP=/path/to/fwup \
//	    go test ./cmd/firmwright -run '^$' -bench BuildExample -benchtime 3x
//
// The chain (Nerves' rel2fw.sh and merge-squashfs): unsquashfs the base,
// copy the release to /srv/erlang and the generated files on top,
// mksquashfs -noappend -no-recovery -no-progress -no-xattrs -quiet, fwup -c
// with the same fwup.conf, fwup -a -t complete. Both start from a base
// rootfs.squashfs (what a Nerves system ships) made once with mksquashfs,
// and both end with the same files in the root filesystem: the chain's
// release and generated files are taken from firmwright's own rootfs.
//
// Metrics: firmwright-s and chain-s (median wall seconds), firmwright/chain
// (median of the per-iteration time ratios; the goal is at most 0.5),
// firmwright-fw-MB and chain-fw-MB, and fw-size-ratio (ours over the
// chain's; the goal is at most 1.02).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func BenchmarkBuildExample(b *testing.B) {
	ex := os.Getenv("FIRMWRIGHT_EXAMPLE")
	ref := os.Getenv("FIRMWRIGHT_REF_FWUP")
	if ex == "" || ref == "" {
		b.Skip("needs FIRMWRIGHT_EXAMPLE (examples/make-inputs output) and FIRMWRIGHT_REF_FWUP (a real fwup)")
	}
	for _, tool := range []string{"mksquashfs", "unsquashfs", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s not found (squashfs-tools)", tool)
		}
	}
	repo, _ := filepath.Abs("../..")
	ours := buildOurs(b)
	dir := b.TempDir()
	sh := func(script string, env ...string) {
		b.Helper()
		cmd := exec.Command("sh", "-ec", script)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", script, err, out)
		}
	}

	// A Nerves-like images/ folder: the example's files, the base as
	// rootfs.squashfs.
	sh(fmt.Sprintf(`mkdir images base
		for f in %[1]s/images/*; do [ "$(basename $f)" = rootfs.tar ] || ln -s "$f" images/; done
		tar -C base -xpf %[1]s/images/rootfs.tar
		mksquashfs base images/rootfs.squashfs -noappend -no-recovery -no-progress -no-xattrs -quiet
		rm -rf base`, ex))
	build := []string{"build", "--system", "rpi4", "--base", "images", "--release", filepath.Join(ex, "release"),
		"--device-firmwright", filepath.Join(ex, "firmwright-device-linux-arm64"), "-o", "ours.fw", "--image", "ours.img"}
	env := []string{"SOURCE_DATE_EPOCH=1700000000"}
	oursOnce := exec.Command(ours, build...)
	oursOnce.Dir, oursOnce.Env = dir, append(os.Environ(), env...)
	if out, err := oursOnce.CombinedOutput(); err != nil {
		b.Fatalf("firmwright build: %v\n%s", err, out)
	}
	// What the chain copies in: firmwright's /srv/erlang and generated
	// files, so that both root filesystems hold the same files.
	sh(`cd ` + dir + ` && ` + ours + ` unpack ours.fw -o unpacked >/dev/null
		mkdir -p extras/usr/bin extras/etc extras/sbin
		mv unpacked/srv/erlang release
		cp -a unpacked/usr/share extras/usr/ && cp -a unpacked/usr/bin/fwup extras/usr/bin/
		cp -a unpacked/etc/erlinit.config extras/etc/ && cp -a unpacked/sbin/init extras/sbin/
		rm -rf unpacked`)
	chain := fmt.Sprintf(`rm -rf root chain.fw chain.img rootfs.img
		unsquashfs -n -d root images/rootfs.squashfs >/dev/null
		mkdir -p root/srv && cp -a release root/srv/erlang && cp -a extras/. root/
		mksquashfs root rootfs.img -noappend -no-recovery -no-progress -no-xattrs -quiet
		%[1]s -c -f %[2]s/systems/rpi4/fwup.conf -o chain.fw
		%[1]s -a -q -d chain.img -i chain.fw -t complete`, ref, repo)
	chainEnv := append(env, "FIRMWRIGHT_SYSTEM="+repo+"/systems/rpi4", "FIRMWRIGHT_CONFIGS="+repo+"/configs",
		"NERVES_SDK_IMAGES="+filepath.Join(dir, "images"), "FIRMWRIGHT_KERNEL="+filepath.Join(dir, "images/Image.gz"),
		"ROOTFS="+filepath.Join(dir, "rootfs.img"), "NERVES_FW_VERSION=1.0.0")

	var oursRuns, chainRuns benchRuns
	for b.Loop() {
		os.Remove(filepath.Join(dir, "ours.fw"))
		os.Remove(filepath.Join(dir, "ours.img"))
		oursRuns.time(func() {
			cmd := exec.Command(ours, build...)
			cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("firmwright build: %v\n%s", err, out)
			}
		})
		b.StopTimer()
		chainRuns.time(func() { sh(chain, chainEnv...) })
		b.StartTimer()
	}
	size := func(name string) float64 {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		return float64(fi.Size())
	}
	oursRuns.report(b, "firmwright")
	chainRuns.report(b, "chain")
	reportRatio(b, "firmwright/chain", &oursRuns, &chainRuns)
	b.ReportMetric(size("ours.fw")/1e6, "firmwright-fw-MB")
	b.ReportMetric(size("chain.fw")/1e6, "chain-fw-MB")
	b.ReportMetric(size("ours.fw")/size("chain.fw"), "fw-size-ratio")
}
