package main

import (
	"fmt"
	"os"

	"github.com/firmwright/firmwright/internal/fatslack"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mask IMAGE")
		os.Exit(2)
	}
	img, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "mask:", err)
		os.Exit(1)
	}
	fmt.Println(fatslack.MaskedSHA256(img))
}
