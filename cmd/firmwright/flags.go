package main

import "github.com/urfave/cli/v3"

// The flags several commands share: one name and one short flag per
// concept, whichever command takes it (TestFlagsAgree checks).

// signKeyFlag is the private key a command signs with.
func signKeyFlag(usage string, required bool) cli.Flag {
	return &cli.StringFlag{Name: "sign-key", Aliases: []string{"s"}, Required: required, Usage: usage}
}

// publicKeysFlag is the public keys a command checks signatures with.
func publicKeysFlag(usage string) cli.Flag {
	return &cli.StringSliceFlag{Name: "public-key", Aliases: []string{"p"}, Usage: usage}
}

// outputFlag is the file a command writes.
func outputFlag(usage string, required bool) cli.Flag {
	return &cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: required, Usage: usage}
}

// noChunkIndexFlag leaves the signed chunk index out of a signed .fw.
func noChunkIndexFlag() cli.Flag {
	return &cli.BoolFlag{Name: "no-chunk-index", Usage: "leave out the signed chunk index, with which firmwright checks each 128 KiB of a streamed update before writing it (fwup ignores it)"}
}
