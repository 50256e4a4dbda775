package cmdline

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/firmwright/firmwright/fwup/mmc"
)

// IsCard refuses a --device that the card scanner would not offer: a
// fixed disk, the one holding /, or not a memory card's kind of device.
// Cards are told by device number, so a symlink to a card (a
// /dev/disk/by-id name) is the card.
func (s *System) IsCard(dev string) error {
	host := s.MemoryCards(nil)
	cards, err := host.Detect()
	if err != nil {
		return err
	}
	id, err := host.Identify(dev)
	for _, c := range cards {
		if err == nil && c.ID.Rdev == id.Rdev {
			return nil
		}
	}
	return fmt.Errorf("burn: %s is not a removable memory card (the card scanner does not list it: it is fixed, holds /, or is not an sd*/mmcblk* disk); nothing was written. Pass --any-disk to write it anyway", dev)
}

// PickCard finds the removable cards and has the user choose one: a
// yes/no question for one card, a numbered list for several.
func (s *System) PickCard(in *bufio.Reader, yes bool) (mmc.Card, error) {
	host := s.MemoryCards(nil)
	cards, err := host.Detect()
	if err != nil {
		return mmc.Card{}, err
	}
	describe := func(c mmc.Card) string {
		d := fmt.Sprintf("%s, %s", c.Path, FormatSize(c.Size))
		if m := host.Model(c); m != "" {
			d += ", " + m
		}
		return d
	}
	switch {
	case len(cards) == 0:
		return mmc.Card{}, errors.New("burn: no memory card found; insert one (and check it shows in lsblk), or give --device")
	case len(cards) == 1:
		if yes {
			return cards[0], nil
		}
		fmt.Fprintf(s.Stderr, "Use memory card %s? Everything on it is lost. [y/N] ", describe(cards[0]))
		if !Confirmed(in) {
			return mmc.Card{}, errors.New("burn: not confirmed; nothing was written")
		}
		return cards[0], nil
	case yes:
		return mmc.Card{}, fmt.Errorf("burn: %d memory cards found; choose one with --device", len(cards))
	}
	fmt.Fprintln(s.Stderr, "Memory cards found:")
	for i, c := range cards {
		fmt.Fprintf(s.Stderr, "  %d) %s\n", i+1, describe(c))
	}
	fmt.Fprintf(s.Stderr, "Which one (1-%d)? Everything on it is lost. ", len(cards))
	line, _ := in.ReadString('\n')
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || n < 1 || n > len(cards) {
		return mmc.Card{}, errors.New("burn: no card chosen; nothing was written")
	}
	return cards[n-1], nil
}
