package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"
)

// envSource is a flag's fallback from the environment the program was
// given (sys.Env, so tests pass their own), named FIRMWRIGHT_<FLAG>.
type envSource struct {
	env map[string]string
	key string
}

func (s envSource) Lookup() (string, bool) { v, ok := s.env[s.key]; return v, ok }
func (s envSource) String() string         { return "environment variable " + s.key }
func (s envSource) GoString() string       { return fmt.Sprintf("envSource{%q}", s.key) }
func (s envSource) IsFromEnv() bool        { return true }
func (s envSource) Key() string            { return s.key }

// envName is the variable that stands in for a flag: --vcs-identifier
// is FIRMWRIGHT_VCS_IDENTIFIER.
func envName(flag string) string {
	return "FIRMWRIGHT_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// withEnv gives every flag its FIRMWRIGHT_<FLAG> variable, for CI. A
// repeatable flag's variable holds its values separated by commas.
func withEnv(env map[string]string, flags []cli.Flag) []cli.Flag {
	for _, f := range flags {
		src := func(name string) cli.ValueSourceChain {
			return cli.NewValueSourceChain(envSource{env: env, key: envName(name)})
		}
		switch f := f.(type) {
		case *cli.StringFlag:
			f.Sources = src(f.Name)
		case *cli.StringSliceFlag:
			f.Sources = src(f.Name)
		case *cli.IntFlag:
			f.Sources = src(f.Name)
		case *cli.BoolFlag:
			f.Sources = src(f.Name)
		default:
			panic(fmt.Sprintf("withEnv: flag %v of type %T", f.Names(), f))
		}
	}
	return flags
}
