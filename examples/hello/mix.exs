defmodule Hello.MixProject do
  use Mix.Project

  # examples/make-inputs sets HELLO_VERSION (the release version),
  # HELLO_ERTS_DIR (an unpacked arm64 erts-* directory to ship instead of
  # the host's) and, for the version that must fail, HELLO_CRASH_AT_START=1.
  # Without them this is an ordinary project for the dev host.
  def project do
    [
      app: :hello,
      version: System.get_env("HELLO_VERSION", "1.0.0"),
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      deps: [],
      # :ssh is in the release (see release/0), loaded, not a dependency.
      xref: [exclude: [:ssh, :ssh_connection]],
      releases: [hello: release()]
    ]
  end

  def application do
    [
      mod: {Hello.Application, []},
      extra_applications: [:logger],
      env: [data_dir: "/data/hello", crash_at_start: System.get_env("HELLO_CRASH_AT_START") == "1"]
    ]
  end

  defp release do
    [
      include_erts: System.get_env("HELLO_ERTS_DIR", "") |> erts(),
      # Nerves starts the VM with erlinit, not the release's shell scripts.
      include_executables_for: [],
      # :ssh (with :crypto, :public_key, :asn1) for Hello.SSH: loaded, and
      # started by it only on an image that carries a host key.
      applications: [ssh: :load],
      strip_beams: true,
      # A fixed cookie keeps the build reproducible; distribution is never
      # started by this example, so it guards nothing.
      cookie: "firmwright-example-cookie"
    ]
  end

  defp erts(""), do: true
  defp erts(dir), do: dir
end
