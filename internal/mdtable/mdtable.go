// Package mdtable reads a table out of a Markdown document, so that tests
// can hold the code to the tables the documentation gives. Only tests
// import it.
package mdtable

import (
	"os"
	"strings"
	"testing"
)

// Rows returns the rows of the table in the file at path whose header line
// starts with header, each as its cells with spaces trimmed. Every row must
// have cells cells, and the table must be there.
func Rows(t testing.TB, path, header string, cells int) [][]string {
	t.Helper()
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	in := false
	for _, line := range strings.Split(string(bz), "\n") {
		if strings.HasPrefix(line, header) {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		f := strings.Split(strings.Trim(line, "|"), "|")
		if len(f) != cells {
			t.Fatalf("%s: a row of the table %q has %d cells, want %d: %q", path, header, len(f), cells, line)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		rows = append(rows, f)
	}
	if !in {
		t.Fatalf("%s has no table %q", path, header)
	}
	return rows
}
