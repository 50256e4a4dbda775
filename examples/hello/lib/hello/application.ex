defmodule Hello.Application do
  @moduledoc """
  Prints a greeting, counts boots in the data partition, validates the
  running firmware (see `Hello.Firmware`), starts the SSH daemon that
  takes uploads (see `Hello.SSH`), applies an update waiting on a second
  disk (see `Hello.Update`) and keeps running. A release built with
  HELLO_CRASH_AT_START=1 (examples/make-inputs' version 3.0.0) fails to
  start instead, before it validates: the firmware that must be reverted.
  """
  use Application

  @impl true
  def start(_type, _args) do
    vsn = Application.spec(:hello, :vsn) |> to_string()
    IO.puts("HELLO from firmwright version=#{vsn}")

    if Application.get_env(:hello, :crash_at_start) do
      IO.puts("HELLO crashing at start, as this version was built to")
      raise "built with HELLO_CRASH_AT_START=1"
    end

    case record_boot(Application.fetch_env!(:hello, :data_dir), vsn) do
      {:ok, boots} -> IO.puts("HELLO data=#{boots}")
      {:error, reason} -> IO.puts("HELLO data=unavailable reason=#{reason}")
    end

    Hello.Firmware.validate()
    Hello.SSH.start()

    # A Task, so that start returns at once; it runs once (restart: :temporary).
    children = [{Task, fn -> Hello.Update.run(vsn) end}]
    Supervisor.start_link(children, strategy: :one_for_one, name: Hello.Supervisor)
  end

  # Appends "boot version=VSN" to DIR/boots and returns the file's line count.
  defp record_boot(dir, vsn) do
    path = Path.join(dir, "boots")

    with :ok <- File.mkdir_p(dir),
         :ok <- File.write(path, "boot version=#{vsn}\n", [:append]),
         {:ok, text} <- File.read(path) do
      {:ok, text |> String.split("\n", trim: true) |> length()}
    end
  end
end
