package upload

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// TaskVariable is the environment variable that asks the device's fwup
// subsystem for a task other than its own (ssh_subsystem_fwup's is
// "upgrade").
//
// The subsystem protocol has no field for it, and the two kinds of SSH
// server take an env request at different times: OpenSSH's sshd only
// before the subsystem starts (and only with `AcceptEnv FWUP_TASK`),
// Erlang's ssh daemon only after, when the subsystem's process is there
// to receive it: an env request before the subsystem makes Erlang start
// its shell on the channel instead. So it is sent once, at the time the
// server's version string says it takes it. A device whose subsystem
// reads neither runs its own task.
const TaskVariable = "FWUP_TASK"

// erlangServer says whether the server's version string is Erlang's
// ssh application's ("SSH-2.0-Erlang/5.1.4").
func erlangServer(version []byte) bool {
	_, software, _ := strings.Cut(string(version), "-2.0-")
	return strings.HasPrefix(software, "Erlang/")
}

// ValidTask checks a task name as fwup's configs spell them, so that no
// shell or fwup option can be slipped in.
func ValidTask(task string) error {
	if task == "" {
		return fmt.Errorf("the task is empty")
	}
	for _, r := range task {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '*') || task[0] == '-' {
			return fmt.Errorf("task %q: a task name is letters, digits, '.', '_', '-' and '*', not starting with '-'", task)
		}
	}
	return nil
}

// sendTask sends the env request for task on ch, if there is one and
// after says it is time for this server (see TaskVariable).
func sendTask(ch ssh.Channel, task string, version []byte, after bool) error {
	if task == "" || after != erlangServer(version) {
		return nil
	}
	// No reply asked: OpenSSH without AcceptEnv refuses it, and the
	// upload goes on with the device's task.
	_, err := ch.SendRequest("env", false, ssh.Marshal(struct{ Name, Value string }{TaskVariable, task}))
	return err
}
