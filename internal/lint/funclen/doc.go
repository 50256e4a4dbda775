// Command funclen reports the repository's non-test functions longer than
// a limit, counted in lines from `func` to the closing brace, so that CI
// keeps every function short enough to read at once.
//
//	go run ./internal/lint/funclen [-max 100] [-allow PKG.FUNC]… [DIR]
package main
