defmodule Hello.FwupSubsystem do
  @moduledoc """
  The SSH `fwup` subsystem, as nerves-project/ssh_subsystem_fwup behaves:
  the channel's data goes to `fwup --exit-handshake -a --no-unmount -d
  /dev/vda -t upgrade`; what fwup prints goes back; fwup's exit handshake
  (0x1A and the status byte, its way to say it is done, since an Erlang
  port cannot close fwup's input alone) becomes the channel's exit
  status, and on success the VM stops so that the init reboots into the
  new slot. A `FWUP_TASK` env request before the first data (what
  `firmwright upload --task` sends once the subsystem runs, the only time
  Erlang's ssh takes one) names another task than upgrade.
  """
  @behaviour :ssh_server_channel

  @fwup "/usr/bin/fwup"
  @args ~w(--exit-handshake -a --no-unmount -d /dev/vda -t)

  @impl true
  # handshake: the last data ended in 0x1A, so the next byte is the status.
  def init(_options), do: {:ok, %{port: nil, cm: nil, channel: nil, handshake: false, task: "upgrade"}}

  @impl true
  def handle_msg({:ssh_channel_up, channel, cm}, state), do: {:ok, %{state | cm: cm, channel: channel}}

  def handle_msg({port, {:data, <<status, _::binary>>}}, %{port: port, handshake: true} = state),
    do: finish(state, "", status)

  def handle_msg({port, {:data, data}}, %{port: port} = state) do
    case :binary.split(data, <<0x1A>>) do
      [out, <<status, _::binary>>] -> finish(state, out, status)
      [out, <<>>] -> send_out(%{state | handshake: true}, out)
      [out] -> send_out(state, out)
    end
  end

  # fwup ended without its handshake (it could not start, say).
  def handle_msg({port, {:exit_status, status}}, %{port: port} = state),
    do: finish(%{state | port: nil}, "", status)

  def handle_msg(_other, state), do: {:ok, state}

  @impl true
  def handle_ssh_msg({:ssh_cm, _cm, {:env, _channel, _reply, "FWUP_TASK", task}}, %{port: nil} = state) do
    if task =~ ~r/\A[A-Za-z0-9._*][A-Za-z0-9._*-]*\z/,
      do: {:ok, %{state | task: task}},
      else: finish(state, "Error: #{inspect(task)} is not a task name\n", 1)
  end

  # fwup starts with the first data, once the task is known.
  def handle_ssh_msg({:ssh_cm, _cm, {:data, _channel, 0, data}}, %{port: nil} = state) do
    port =
      Port.open({:spawn_executable, @fwup}, [:binary, :exit_status, :use_stdio, :stderr_to_stdout, args: @args ++ [state.task]])

    Port.command(port, data)
    {:ok, %{state | port: port}}
  end

  def handle_ssh_msg({:ssh_cm, _cm, {:data, _channel, 0, data}}, %{port: port} = state) do
    Port.command(port, data)
    {:ok, state}
  end

  def handle_ssh_msg(_msg, state), do: {:ok, state}

  @impl true
  def terminate(_reason, %{port: port}) when port != nil do
    Port.close(port)
    :ok
  catch
    _, _ -> :ok
  end

  def terminate(_reason, _state), do: :ok

  defp send_out(state, ""), do: {:ok, state}

  defp send_out(state, out) do
    :ssh_connection.send(state.cm, state.channel, out)
    {:ok, state}
  end

  defp finish(state, out, status) do
    send_out(state, out)
    :ssh_connection.exit_status(state.cm, state.channel, status)
    :ssh_connection.send_eof(state.cm, state.channel)
    IO.puts("HELLO upload done status=#{status}")

    if status == 0 do
      # Let the client read the end, then stop: the init reboots.
      spawn(fn ->
        Process.sleep(500)
        :init.stop()
      end)
    end

    {:stop, state.channel, state}
  end
end
