package oracle

import (
	"os"
	"os/exec"
	"testing"
)

// packages names the Debian package that provides each tool, as .ci/run
// installs them.
var packages = map[string]string{
	"fw_printenv": "libubootenv-tool", "sfdisk": "fdisk",
	"mdir": "mtools", "mtype": "mtools", "fsck.fat": "dosfstools",
	"python3": "python3", "erl": "erlang-base",
	"mksquashfs": "squashfs-tools", "unsquashfs": "squashfs-tools",
	"tar": "tar", "cpio": "cpio", "gzip": "gzip", "zstd": "zstd", "bzip2": "bzip2",
	"xz": "xz-utils", "lz4": "lz4", "find": "findutils", "sort": "coreutils", "mount": "mount", "mkfs.ext4": "e2fsprogs", "mke2fs": "e2fsprogs", "debugfs": "e2fsprogs", "e2fsck": "e2fsprogs",
	"losetup": "mount", "unshare": "util-linux", "prlimit": "util-linux", "mix": "elixir", "qemu-system-aarch64": "qemu-system-arm",
	"apt-get": "apt", "dpkg-deb": "dpkg", "readelf": "binutils", "xdelta3": "xdelta3",
	"sshd": "openssh-server", "ssh": "openssh-client",
}

// Tool returns the path of an external program.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		pkg := packages[name]
		if pkg == "" {
			pkg = "?"
		}
		SkipOrFail(t, "%s is not installed (Debian package %s)", name, pkg)
	}
	return p
}

// Root skips a test that needs root (device nodes, owners, loop mounts)
// when not run as root; CI runs as root.
func Root(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		SkipOrFail(t, "%s needs root", why)
	}
}

// SkipOrFail skips the test locally and fails it under CI=true.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("required on CI: "+format, args...)
	}
	t.Skipf(format, args...)
}
