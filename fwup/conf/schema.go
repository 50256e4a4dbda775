package conf

// Kind is the type of a config option, as libconfuse types them.
type Kind int

const (
	KindString Kind = iota
	KindInt
	KindBool
	KindFloat // fwup's `length`: strtod on input, printed as an integer
	KindSection
)

// Unset is the default fwup gives counts it requires (INT32_MAX): a value
// it takes to mean "not given".
const Unset = "2147483647"

// Option describes one key or section fwup accepts. The order of options in
// a section's table is the order meta.conf prints them in.
type Option struct {
	Name    string
	Kind    Kind
	List    bool
	Default []string // canonical text of the default; nil means "no default"
	// Private options are read at create time but never written to
	// meta.conf (host-path, contents, assert-size-*, ...).
	Private bool

	// Sections only.
	Titled    bool      // name "title" { ... }
	Sub       []*Option // the options inside
	Calls     bool      // a handler: collects its action calls (raw_write(...)) into funlist
	Requires  bool      // a task: collects its require-* calls into reqlist
	KeepEmpty bool      // printed even with nothing inside (tasks)
	Funcs     []string  // the config language's own functions callable inside (include, define…)
}

// HasFunc reports whether name can be called inside the section.
func (o *Option) HasFunc(name string) bool {
	for _, f := range o.Funcs {
		if f == name {
			return true
		}
	}
	return false
}

func (o *Option) sub(name string) *Option {
	for _, s := range o.Sub {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func str(name string) *Option { return &Option{Name: name, Kind: KindString} }
func strDef(name, def string) *Option {
	return &Option{Name: name, Kind: KindString, Default: []string{def}}
}
func intDef(name, def string) *Option {
	return &Option{Name: name, Kind: KindInt, Default: []string{def}}
}
func boolDef(name string) *Option {
	return &Option{Name: name, Kind: KindBool, Default: []string{"false"}}
}
func private(o *Option) *Option { o.Private = true; return o }
func section(name string, sub ...*Option) *Option {
	return &Option{Name: name, Kind: KindSection, Titled: true, Sub: sub}
}

// handler is an event section whose body is a list of function calls.
func handler(name string, titled bool, extra ...*Option) *Option {
	o := &Option{Name: name, Kind: KindSection, Titled: titled, Calls: true, Funcs: []string{"include"}}
	o.Sub = append([]*Option{boolDef("verify-on-the-fly")}, extra...)
	o.Sub = append(o.Sub, &Option{Name: "funlist", Kind: KindString, List: true})
	return o
}

// Schema is fwup's configuration: the top-level option table.
var Schema = buildSchema()

func buildSchema() *Option {
	fileResource := section("file-resource",
		private(str("host-path")),
		private(str("contents")),
		private(boolDef("skip-holes")),
		private(intDef("assert-size-lte", "-1")),
		private(intDef("assert-size-gte", "-1")),
		&Option{Name: "length", Kind: KindFloat, List: true, Default: []string{"0"}},
		str("blake2b-256"),
		str("sha256"),
	)
	mbrPartition := section("partition",
		str("block-offset"),
		intDef("block-count", Unset),
		intDef("type", "-1"),
		boolDef("boot"),
		boolDef("expand"),
	)
	osii := section("osii",
		intDef("os-major", "0"),
		intDef("os-minor", "0"),
		intDef("start-block-offset", "0"),
		intDef("ddr-load-address", "0"),
		intDef("entry-point", "0"),
		intDef("image-size-blocks", "0"),
		intDef("attribute", "15"),
	)
	mbr := section("mbr",
		private(str("bootstrap-code-host-path")),
		str("bootstrap-code"),
		boolDef("include-osip"),
		intDef("osip-major", "1"),
		intDef("osip-minor", "0"),
		intDef("osip-num-pointers", "1"),
		str("signature"),
		mbrPartition,
		osii,
	)
	gptPartition := section("partition",
		str("block-offset"),
		intDef("block-count", Unset),
		str("type"),
		str("guid"),
		strDef("name", ""),
		strDef("flags", "0"),
		boolDef("expand"),
		boolDef("boot"),
	)
	gpt := section("gpt", str("guid"), gptPartition)
	task := section("task",
		&Option{Name: "reqlist", Kind: KindString, List: true},
		intDef("require-partition1-offset", "-1"),
		boolDef("require-unmounted-destination"),
		boolDef("verify-on-the-fly"),
		handler("on-init", false),
		handler("on-finish", false),
		handler("on-error", false),
		handler("on-resource", true,
			str("delta-source-raw-offset"),
			intDef("delta-source-raw-count", Unset),
			str("delta-source-raw-options"),
			str("delta-source-fat-offset"),
			str("delta-source-fat-path"),
		),
	)
	task.KeepEmpty, task.Requires = true, true
	task.Funcs = []string{"include"}
	fileResource.Funcs = []string{"include"}
	ubootEnv := section("uboot-environment",
		str("block-offset"),
		intDef("block-count", Unset),
		str("block-offset-redund"),
	)
	return &Option{Name: "", Kind: KindSection, Funcs: []string{"define", "define!", "define-eval", "define-eval!", "include"}, Sub: []*Option{
		str("meta-product"),
		str("meta-description"),
		str("meta-version"),
		str("meta-author"),
		str("meta-platform"),
		str("meta-architecture"),
		private(str("meta-creation-date")),
		str("meta-fwup-version"),
		str("meta-vcs-identifier"),
		str("meta-misc"),
		private(str("meta-uuid")),
		private(str("meta-nickname")),
		strDef("require-fwup-version", "0"),
		intDef("block-cache-size-mb", "8"),
		fileResource,
		mbr,
		gpt,
		task,
		ubootEnv,
	}}
}
