// Package conf is fwup's configuration language, as libconfuse and fwup's
// cfgfile.c read it: the lexer and parser with define/define!/define-eval
// and include, the option schema of every section (with its defaults and
// the options kept out of meta.conf), the canonical meta.conf printer, and
// the hooks through which fwup's create-time checks run while parsing
// (Checker). The environment is explicit: no os.Getenv inside.
package conf
