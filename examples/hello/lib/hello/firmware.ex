defmodule Hello.Firmware do
  @moduledoc """
  The running firmware's place on the device, and its validation.

  After an update the new slot runs on trial: on the Raspberry Pi the
  firmware boots it once (tryboot) and the next reset goes back to the old
  slot unless the new one says it is good. It does so as nerves_runtime's
  `validate_firmware` does, with the ops.fw task `validate`, once the
  application has started.
  """

  @ops "/usr/share/fwup/ops.fw"
  @fwup "/usr/bin/fwup"

  @doc "The disk the firmware is on: the first field of /etc/fw_env.config."
  def disk do
    with {:ok, text} <- File.read("/etc/fw_env.config"),
         [dev | _] <- text |> String.split("\n") |> Enum.reject(&comment?/1) |> Enum.flat_map(&String.split/1) do
      dev
    else
      _ -> "/dev/mmcblk0"
    end
  end

  defp comment?(line), do: String.starts_with?(String.trim_leading(line), "#")

  @doc "Marks the running slot good (ops.fw's validate task); prints the result."
  def validate do
    # -U: the running root filesystem is on the disk being written.
    case System.cmd(@fwup, ["-a", "-i", @ops, "-t", "validate", "-d", disk(), "-q", "-U"], stderr_to_stdout: true) do
      {_, 0} -> IO.puts("HELLO firmware validated")
      {out, status} -> IO.puts("HELLO validate failed status=#{status} #{String.trim(out)}")
    end
  end
end
