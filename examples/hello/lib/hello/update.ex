defmodule Hello.Update do
  @moduledoc """
  The device side of an A/B update, for the QEMU examples: a second disk
  (`/dev/vdb` on QEMU's virt machine, the USB stick `/dev/sda` on the
  Raspberry Pi) may hold a `.fw` file. If its version differs from the
  running one, it is applied to the other slot of the firmware's disk with
  fwup (firmwright speaks fwup's command line on the device) and the VM
  stops, so the init reboots the machine into the new slot.

  Before applying, the version is recorded in the data partition: when the
  machine comes back on the old version, that update did not take (its
  slot failed before validating and the Pi booted the old slot again), and
  it is not tried again.
  """

  @sources ["/dev/vdb", "/dev/sda"]
  @fwup "/usr/bin/fwup"
  # USB storage shows up a moment after boot.
  @wait_ms 15_000

  @doc "Checks the update disk against the running version `running`; runs once, as a Task."
  def run(running) do
    case source(@wait_ms) do
      nil -> :ok
      fw -> check(fw, running)
    end
  rescue
    e -> IO.puts("HELLO update failed #{Exception.message(e)}")
  end

  # The update disk: /dev/vdb on virt at once; /dev/sda on the Pi once USB
  # has found it (there is never one on an SD card's mmcblk0 otherwise).
  defp source(wait) do
    case Enum.find(@sources, &File.exists?/1) do
      nil when wait > 0 ->
        if String.starts_with?(Hello.Firmware.disk(), "/dev/mmcblk") do
          Process.sleep(500)
          source(wait - 500)
        end

      found ->
        found
    end
  end

  defp check(fw, running) do
    case fwup(["-m", "-i", fw, "--metadata-key", "meta-version"]) do
      {out, 0} ->
        case String.trim(out) do
          ^running -> IO.puts("HELLO no update (running #{running})")
          "" -> IO.puts("HELLO update failed: #{fw} has no meta-version")
          new -> maybe_update(fw, new)
        end

      {out, status} ->
        IO.puts("HELLO update failed reading #{fw}: status=#{status} #{String.trim(out)}")
    end
  end

  defp maybe_update(fw, new) do
    if attempted() == new do
      IO.puts("HELLO not retrying #{new}: it was applied before and did not validate")
    else
      update(fw, new)
    end
  end

  defp attempt_file, do: Path.join(Application.fetch_env!(:hello, :data_dir), "update-attempt")

  defp attempted do
    case File.read(attempt_file()) do
      {:ok, text} -> String.trim(text)
      _ -> nil
    end
  end

  # -U: the running root filesystem and /root are on the disk being written.
  defp update(fw, new) do
    IO.puts("HELLO updating to #{new}")
    File.write(attempt_file(), new <> "\n")

    case fwup(["-a", "-i", fw, "-d", Hello.Firmware.disk(), "-t", "upgrade", "-U", "-q"]) do
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
