package suggest

import "strings"

// Closest is the candidate nearest to s: a prefix of it or within two
// edits, the fewest edits winning; "" when none is that close.
func Closest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, cand := range candidates {
		d := editDistance(s, cand)
		if strings.HasPrefix(cand, s) && len(s) >= 3 {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = cand, d
		}
	}
	return best
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance: "bulid" is one transposition from "build".
func editDistance(a, b string) int {
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
