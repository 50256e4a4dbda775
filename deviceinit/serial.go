package deviceinit

import (
	"strconv"
	"strings"

	"github.com/firmwright/firmwright/fwup/ubootenv"
)

// fwEnvConfig says where the key-value store is (fw_printenv's format:
// "device offset size ..."), as the systems' bases have it.
const fwEnvConfig = "/etc/fw_env.config"

// serialNumber is the device's serial for a hostname pattern without
// --uniqueid-exec, found as Nerves' boardid finds it: the
// nerves_serial_number that burning or provisioning wrote to the
// key-value store, else the board's own (the Raspberry Pi's device tree
// has it); "" if neither is there.
func (r *initRun) serialNumber() string {
	if s := r.kvSerial(); s != "" {
		return s
	}
	if data, err := r.sys.ReadFile("/proc/device-tree/serial-number"); err == nil {
		return strings.TrimLeft(strings.TrimRight(string(data), "\x00\n"), "0")
	}
	return ""
}

func (r *initRun) kvSerial() string {
	cfg := r.readLine(fwEnvConfig)
	f := strings.Fields(cfg)
	if len(f) < 3 || strings.HasPrefix(cfg, "#") {
		return ""
	}
	off, err1 := strconv.ParseUint(f[1], 0, 32)
	size, err2 := strconv.ParseUint(f[2], 0, 32)
	if err1 != nil || err2 != nil || off%512 != 0 || size%512 != 0 || size == 0 || size > 1<<20 {
		return ""
	}
	data, err := r.sys.ReadHead(f[0], int(off+size))
	if err != nil || len(data) < int(off+size) {
		return ""
	}
	env := &ubootenv.Env{BlockOffset: off / 512, BlockCount: int(size / 512)}
	if env.Decode(data[off:off+size]) != nil {
		return ""
	}
	s, _ := env.Get("nerves_serial_number")
	return s
}
