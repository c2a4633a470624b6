package types

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// The code lists the ledger validates against ship inside the binary:
// data/hs6.txt holds every 6-digit subheading of HS 2022 and
// data/locode.txt every UN/LOCODE of the corridor countries, one code a
// line. Both are produced from the reference fixtures by CleanHS and
// CleanLocode (go test ./x/customs/types -run TestCodeLists -update-codes),
// and are read again through the same tolerant line reader.

//go:embed data/hs6.txt
var hs6Data []byte

//go:embed data/locode.txt
var locodeData []byte

var (
	listsOnce sync.Once
	hs6Set    map[string]struct{}
	locodeSet map[string]struct{}
)

func loadLists() {
	hs6Set = lineSet(hs6Data)
	locodeSet = lineSet(locodeData)
}

// lineSet reads one code a line, skipping blank lines and surrounding space.
func lineSet(data []byte) map[string]struct{} {
	set := make(map[string]struct{})
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if code := strings.TrimSpace(sc.Text()); code != "" {
			set[code] = struct{}{}
		}
	}
	return set
}

// IsHSSubheading reports whether code is a 6-digit HS 2022 subheading.
func IsHSSubheading(code string) bool {
	listsOnce.Do(loadLists)
	_, ok := hs6Set[code]
	return ok
}

// IsLocode reports whether code (country + location, e.g. "CNCQI") is a
// UN/LOCODE of the embedded list.
func IsLocode(code string) bool {
	listsOnce.Do(loadLists)
	_, ok := locodeSet[code]
	return ok
}

// CleanHS reads the harmonized-system CSV (section,hscode,description,
// parent,level) and returns its 6-digit subheadings, sorted. It skips the
// header, blank lines, rows tagged level 6 whose code is not 6 digits (the
// source has some 8-digit national lines) and the "TOTAL" section's
// pseudo-codes, which are statistical, not HS.
func CleanHS(r io.Reader) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	seen := map[string]bool{}
	var out []string
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("hs csv line %d: %w", line, err)
		}
		if len(rec) < 5 || strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		section := strings.TrimPrefix(strings.TrimSpace(rec[0]), "\ufeff")
		code, level := strings.TrimSpace(rec[1]), strings.TrimSpace(rec[4])
		if level != "6" || section == "TOTAL" || !isDigits(code, 6) || seen[code] {
			continue
		}
		seen[code] = true
		out = append(out, code)
	}
	sort.Strings(out)
	return out, nil
}

// CleanLocode reads UN/LOCODE CSV rows (no header: change, country,
// location, name, ...) and returns the codes, sorted. It skips country
// header rows and "=" reference rows (no location) and entries marked for
// deletion ("X").
func CleanLocode(r io.Reader) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var out []string
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("locode csv line %d: %w", line, err)
		}
		if len(rec) < 3 {
			continue
		}
		change := strings.ToUpper(strings.TrimSpace(rec[0]))
		country, loc := strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if change == "X" || len(country) != 2 || len(loc) != 3 || !isUpperAlnum(country+loc) {
			continue
		}
		out = append(out, country+loc)
	}
	sort.Strings(out)
	return out, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
