defmodule Hello.Update do
  @moduledoc """
  The device side of an A/B update, for the QEMU example: a second disk
  (`/dev/vdb`) may hold a `.fw` file. If its version differs from the
  running one, it is applied to the other slot of `/dev/vda` with fwup
  (firmwright speaks fwup's command line on the device) and the VM stops,
  so the init reboots the machine into the new slot.
  """

  @fw "/dev/vdb"
  @disk "/dev/vda"
  @fwup "/usr/bin/fwup"

  @doc "Checks #{@fw} against the running version `running`; runs once, as a Task."
  def run(running) do
    if File.exists?(@fw), do: check(running)
  rescue
    e -> IO.puts("HELLO update failed #{Exception.message(e)}")
  end

  defp check(running) do
    case fwup(["-m", "-i", @fw, "--metadata-key", "meta-version"]) do
      {out, 0} ->
        case String.trim(out) do
          ^running -> IO.puts("HELLO no update (running #{running})")
          "" -> IO.puts("HELLO update failed: #{@fw} has no meta-version")
          new -> update(new)
        end

      {out, status} ->
        IO.puts("HELLO update failed reading #{@fw}: status=#{status} #{String.trim(out)}")
    end
  end

  # -U: the running root filesystem and /root are on the disk being written.
  defp update(new) do
    IO.puts("HELLO updating to #{new}")

    case fwup(["-a", "-i", @fw, "-d", @disk, "-t", "upgrade", "-U", "-q"]) do
      {out, 0} ->
        IO.write(out)
        IO.puts("HELLO update applied status=0")
        :init.stop()

      {out, status} ->
        IO.write(out)
        IO.puts("HELLO update failed status=#{status}")
    end
  end

  defp fwup(args), do: System.cmd(@fwup, args, stderr_to_stdout: true)
end
