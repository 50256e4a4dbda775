// Package partcfg holds what fwup's MBR and GPT partition sections have in
// common, so the two tables read it with one rule and one set of messages.
package partcfg
