package examples_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firmwright/firmwright/upload/uploadtest"
)

// testUpload boots disk (the v1 image) with its SSH port forwarded, sends
// hello-v2.fw with firmwright upload once the daemon listens (first with
// a task the device lacks, which fails), and follows the device to its
// reboot into 2.0.0, with the data v1 wrote.
func testUpload(t *testing.T, out, disk, clientKey, qemu string) {
	port := uploadtest.FreePort(t)
	fw := filepath.Join(out, "firmwright")
	run := exec.Command(fw, "qemu", disk, "--qemu", qemu, "--timeout", "8m",
		"--forward", fmt.Sprintf("127.0.0.1:%d:22", port),
		"--expect", `HELLO ssh listening on port 22`,
		"--expect", `HELLO upload done status=0`,
		"--expect", `reboot: Restarting system`,
		"--expect", `HELLO from firmwright version=2\.0\.0`,
		"--expect", `HELLO data=2\b`)
	consoleR, consoleW := io.Pipe()
	run.Stdout, run.Stderr = consoleW, consoleW
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	var console strings.Builder
	listening := make(chan struct{})
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(consoleR)
		once := false
		for sc.Scan() {
			console.WriteString(sc.Text() + "\n")
			if !once && strings.Contains(sc.Text(), "HELLO ssh listening") {
				once = true
				close(listening)
			}
		}
	}()
	upload := make(chan string, 1)
	exited := make(chan struct{})
	go func() {
		select {
		case <-listening:
		case <-exited:
			upload <- "QEMU stopped before the daemon listened"
			return
		}
		home := t.TempDir()
		send := func(args ...string) ([]byte, error) {
			cmd := exec.Command(fw, append([]string{"upload", "--accept-new-host-key", "-i", clientKey,
				fmt.Sprintf("127.0.0.1:%d", port), filepath.Join(out, "hello-v2.fw")}, args...)...)
			cmd.Env = append(os.Environ(), "HOME="+home)
			return cmd.CombinedOutput()
		}
		// --task reaches the device's subsystem (FWUP_TASK after the
		// subsystem request, as Erlang's ssh takes it): no such task.
		if b, err := send("--task", "nosuch"); err == nil || !strings.Contains(string(b), "'nosuch'") {
			upload <- fmt.Sprintf("firmwright upload --task nosuch: %v, want a failure naming the task\n%s", err, b)
			return
		}
		b, err := send()
		upload <- fmt.Sprintf("firmwright upload: %v\n%s", err, b)
	}()
	err := run.Wait()
	close(exited)
	consoleW.Close()
	<-scanned
	t.Logf("console:\n%s", console.String())
	got := <-upload
	t.Log(got)
	if err != nil {
		t.Fatalf("firmwright qemu: %v", err)
	}
	if !strings.HasPrefix(got, "firmwright upload: <nil>") {
		t.Errorf("the upload failed: %s", got)
	}
	if table := readMBR(t, disk); table.Partitions[1].BlockOffset != rootfsBOffset {
		t.Errorf("after the upload the root is at block %d, want ROOTFS-B (%d)", table.Partitions[1].BlockOffset, rootfsBOffset)
	}
}
