package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	limit := flag.Int("max", 100, "the longest a function may be, in lines")
	var allowed allowList
	flag.Var(&allowed, "allow", "PKG.FUNC (or PKG.TYPE.METHOD) that may be longer; repeatable")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	long, err := longFunctions(root, *limit, allowed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "funclen:", err)
		os.Exit(2)
	}
	for _, l := range long {
		fmt.Println(l)
	}
	if len(long) > 0 {
		os.Exit(1)
	}
}

type allowList map[string]bool

func (a *allowList) String() string { return fmt.Sprint(map[string]bool(*a)) }

func (a *allowList) Set(s string) error {
	if *a == nil {
		*a = allowList{}
	}
	(*a)[s] = true
	return nil
}

// longFunctions walks root's Go files, skipping tests, testdata and
// hidden folders, and describes each function over limit lines.
func longFunctions(root string, limit int, allowed allowList) ([]string, error) {
	var long []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			n := end.Line - start.Line + 1
			if id := funcName(f.Name.Name, fn); n > limit && !allowed[id] {
				long = append(long, fmt.Sprintf("%s:%d: %s is %d lines (at most %d)", path, start.Line, id, n, limit))
			}
		}
		return nil
	})
	return long, err
}

// funcName is PKG.FUNC or PKG.TYPE.METHOD.
func funcName(pkg string, fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return pkg + "." + fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if g, ok := t.(*ast.IndexExpr); ok {
		t = g.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return pkg + "." + id.Name + "." + fn.Name.Name
	}
	return pkg + "." + fn.Name.Name
}
