package systems

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteSummary writes the system for people: what it is for, its
// platform, architecture and kernel, and a table of its layout.
func (s *System) WriteSummary(w io.Writer) error {
	fmt.Fprintf(w, "%s — %s\n", s.Name, s.Description)
	fmt.Fprintf(w, "  platform %s, architecture %s, release ELF %s, kernel %s\n", s.Platform, s.Architecture, s.ELF, strings.Join(s.Kernel, " or "))
	if boot := s.bootSummary(); boot != "" {
		fmt.Fprintf(w, "  boot files: %s\n", boot)
	}
	regions, err := s.Layout(nil)
	if err != nil {
		return fmt.Errorf("system %s: %w", s.Name, err)
	}
	tables := map[string]bool{}
	for _, r := range regions {
		for _, t := range r.Tables {
			tables[t] = true
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "  \tregion\tdevice\tstart block\tblocks\tMiB\ttype\t"
	if len(tables) > 1 {
		// The tables swap between slots: say which places what.
		header += "MBR\t"
	}
	fmt.Fprintln(tw, header)
	for _, r := range regions {
		dev, typ := "-", "-"
		if r.Device != "" {
			dev, typ = r.Device, fmt.Sprintf("0x%02x", r.Type)
		}
		size := fmt.Sprintf("%.1f", float64(r.Count)*512/(1<<20))
		if r.Expand {
			size += "+"
		}
		line := fmt.Sprintf("  \t%s\t%s\t%d\t%d\t%s\t%s\t", r.Name, dev, r.Offset, r.Count, size, typ)
		if len(tables) > 1 {
			in := strings.Join(r.Tables, ", ")
			if len(r.Tables) == len(tables) {
				in = "all"
			} else if in == "" {
				in = "-"
			}
			line += in + "\t"
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}
