defmodule Hello.SSH do
  @moduledoc """
  The device's SSH daemon, for `firmwright upload` and `mix upload`: port
  22, public keys from `/etc/ssh/authorized_keys`, the host key
  `/etc/ssh/ssh_host_ed25519_key` (both put there by an overlay at build
  time: examples/build-example --authorized-keys), and one subsystem,
  `fwup` (`Hello.FwupSubsystem`). Without a host key it does not start.
  """

  @dir "/etc/ssh"

  @doc "Starts the daemon when the image carries a host key."
  def start do
    if File.exists?(Path.join(@dir, "ssh_host_ed25519_key")) do
      {:ok, _} = Application.ensure_all_started(:ssh)

      {:ok, _} =
        :ssh.daemon(22,
          system_dir: ~c"#{@dir}",
          user_dir: ~c"#{@dir}",
          auth_methods: ~c"publickey",
          subsystems: [{~c"fwup", {Hello.FwupSubsystem, []}}]
        )

      IO.puts("HELLO ssh listening on port 22")
    end
  end
end
