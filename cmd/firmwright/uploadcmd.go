package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/firmwright/firmwright/internal/progressline"
	"github.com/firmwright/firmwright/upload"
)

func uploadCommand(sys *system) *cli.Command {
	return &cli.Command{
		Name:      "upload",
		Usage:     "send a .fw to a running device over SSH, as mix upload does (its fwup subsystem applies it and reboots)",
		ArgsUsage: "[USER@]HOST[:PORT] [FILE.fw]",
		Description: "HOST defaults to nerves.local (found with mDNS), the port to 22, the user to your login name;\n" +
			"~/.ssh/config's Host, HostName, User, Port and IdentityFile apply. Keys come from ssh-agent,\n" +
			"-i, or ~/.ssh/id_ed25519, id_ecdsa and id_rsa; host keys are checked against ~/.ssh/known_hosts.\n" +
			"Without FILE.fw, the one .fw in the current directory or _build/*/nerves/images is sent.\n" +
			"The exit status is the device's.",
		Flags: withEnv(sys.Env, []cli.Flag{
			&cli.IntFlag{Name: "port", Usage: "the device's SSH port (HOST:PORT wins)"},
			&cli.StringFlag{Name: "user", Usage: "the user to log in as (USER@ wins)"},
			&cli.StringSliceFlag{Name: "identity", Aliases: []string{"i"}, Usage: "private key file to offer (repeatable)"},
			&cli.StringFlag{Name: "password", Usage: "password, for devices that take one (asked on a terminal when needed)"},
			&cli.BoolFlag{Name: "accept-new-host-key", Usage: "trust and record the key of a host not in known_hosts (a changed key is still refused)"},
			&cli.IntFlag{Name: "idle-timeout", Value: 60, Usage: "seconds the device may stay silent before the upload is given up"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress line"},
			&cli.StringFlag{Name: "task", Aliases: []string{"t"}, Usage: "the fwup task to ask the device for, as FWUP_TASK (OpenSSH needs AcceptEnv FWUP_TASK; ssh_subsystem_fwup runs its own, upgrade, whatever is asked)"},
		}),
		Action: func(_ context.Context, c *cli.Command) error {
			return runUpload(sys, c)
		},
	}
}

func runUpload(sys *system, c *cli.Command) error {
	args := c.Args().Slice()
	if len(args) > 2 {
		return usage(c, "give a host and a .fw")
	}
	dest, fw := "nerves.local", ""
	for _, a := range args {
		if strings.HasSuffix(a, ".fw") && fw == "" {
			fw = a
		} else {
			dest = a
		}
	}
	if fw == "" {
		var err error
		if fw, err = findFirmware(); err != nil {
			return usage(c, "%v", err)
		}
	}
	target, err := upload.ParseTarget(dest)
	if err != nil {
		return usage(c, "%v", err)
	}
	task := c.String("task")
	if c.IsSet("task") {
		if err := upload.ValidTask(task); err != nil {
			return usage(c, "--task: %v", err)
		}
	}
	f, err := os.Open(fw)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	info, err := upload.ReadFirmware(f, fw, sys.Env)
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	o, err := uploadOptions(sys, c, target)
	if err != nil {
		return err
	}
	o.Task = task
	to := fmt.Sprintf("%s@%s", o.User, hostPortString(o.Host, o.Port))
	if task != "" {
		to += ", task " + task
	}
	fmt.Fprintf(sys.Stdout, "%s: %s\n", fw, info.Summary(to))
	// Ours until the device speaks: its fwup then shows its own progress.
	line := &deviceLine{Line: progressline.Line{W: sys.Stderr, Now: sys.Now}}
	if !c.Bool("quiet") {
		o.Progress = func(sent, total int64) {
			if total > 0 && !line.spoke {
				line.Report(int(sent*100/total), sent, sent, total)
			}
		}
	}
	o.Stdout, o.Stderr = endingLine{line, sys.Stdout}, endingLine{line, sys.Stderr}
	status, err := upload.Send(sys.Ctx(), o, f, st.Size())
	line.End()
	if err != nil {
		return err
	}
	if status != 0 {
		return exitCode(status)
	}
	return nil
}

// deviceLine is the progress line, and whether the device has printed
// anything (upload.Send never calls Progress and the writers at once).
type deviceLine struct {
	progressline.Line
	spoke bool
}

// endingLine ends the progress line before what the device prints.
type endingLine struct {
	line *deviceLine
	w    io.Writer
}

func (e endingLine) Write(p []byte) (int, error) {
	e.line.End()
	e.line.spoke = true
	return e.w.Write(p)
}

func hostPortString(host string, port int) string {
	if strings.Contains(host, ":") {
		return fmt.Sprintf("[%s]:%d", host, port)
	}
	return fmt.Sprintf("%s:%d", host, port)
}

// findFirmware is the one .fw where mix firmware and firmwright build
// leave it, when none is named.
func findFirmware() (string, error) {
	var found []string
	for _, pattern := range []string{"*.fw", "_build/*/nerves/images/*.fw"} {
		m, _ := filepath.Glob(pattern)
		found = append(found, m...)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", errors.New("give the .fw to send (none in . or _build/*/nerves/images)")
	}
	return "", fmt.Errorf("give the .fw to send (there are %d: %s)", len(found), strings.Join(found, ", "))
}

// uploadOptions puts the command line, ~/.ssh/config, the environment
// and the terminal together.
func uploadOptions(sys *system, c *cli.Command, t upload.Target) (upload.Options, error) {
	home := sys.Env["HOME"]
	sshDir := filepath.Join(home, ".ssh")
	hc, err := sshConfig(filepath.Join(sshDir, "config"), t.Host)
	if err != nil {
		return upload.Options{}, err
	}
	o := upload.Options{Host: t.Host, User: first(t.User, c.String("user"), hc.User, loginName(sys.Env)),
		Port: firstPort(t.Port, int(c.Int("port")), hc.Port, 22), ConnectTimeout: 10 * time.Second,
		IdleTimeout: time.Duration(c.Int("idle-timeout")) * time.Second}
	if hc.HostName != "" {
		o.Host = hc.HostName
	}
	o.HostKeys = upload.HostKeys{File: filepath.Join(sshDir, "known_hosts"), AcceptNew: c.Bool("accept-new-host-key"),
		Recorded: func(string) {
			fmt.Fprintf(sys.Stderr, "Recorded %s's host key in %s.\n", o.Host, filepath.Join(sshDir, "known_hosts"))
		}}
	o.Auth = upload.Auth{AgentSocket: sys.Env["SSH_AUTH_SOCK"], Password: c.String("password"),
		Warn: func(m string) { fmt.Fprintln(sys.Stderr, "firmwright: warning:", m) }}
	for _, id := range append(c.StringSlice("identity"), hc.IdentityFiles...) {
		o.Auth.Identities = append(o.Auth.Identities, expandHome(id, home))
	}
	if len(o.Auth.Identities) == 0 {
		o.Auth.Optional = true
		for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			o.Auth.Identities = append(o.Auth.Identities, filepath.Join(sshDir, name))
		}
	}
	if tty, ok := terminal(sys.Stdin); ok {
		addPrompts(sys, tty, &o)
	}
	return o, nil
}

// addPrompts asks on the terminal what the options cannot say.
func addPrompts(sys *system, tty *os.File, o *upload.Options) {
	in := bufio.NewReader(tty)
	readLine := func() (string, error) {
		s, err := in.ReadString('\n')
		return strings.TrimRight(s, "\r\n"), err
	}
	o.HostKeys.Confirm = func(q string) bool {
		fmt.Fprint(sys.Stderr, q)
		a, _ := readLine()
		return strings.EqualFold(a, "y") || strings.EqualFold(a, "yes")
	}
	o.Auth.Passphrase = func(file string) ([]byte, error) {
		fmt.Fprintf(sys.Stderr, "Enter passphrase for %s: ", file)
		p, err := withoutEcho(tty, readLine)
		return []byte(p), err
	}
	o.Auth.PasswordPrompt = func(user, host string) (string, error) {
		fmt.Fprintf(sys.Stderr, "%s@%s's password: ", user, host)
		return withoutEcho(tty, readLine)
	}
}

func sshConfig(path, alias string) (upload.HostConfig, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return upload.HostConfig{}, nil
	} else if err != nil {
		return upload.HostConfig{}, err
	}
	defer f.Close()
	cfg, err := upload.ParseConfig(f)
	if err != nil {
		return upload.HostConfig{}, fmt.Errorf("%s: %w", path, err)
	}
	return cfg.Lookup(alias), nil
}

func expandHome(p, home string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return p
}

// loginName is the local user, as ssh takes it.
func loginName(env map[string]string) string {
	if u := first(env["USER"], env["LOGNAME"]); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "root"
}

func first(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstPort(p ...int) int {
	for _, v := range p {
		if v > 0 {
			return v
		}
	}
	return 22
}
