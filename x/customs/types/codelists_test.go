package types

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateCodes = flag.Bool("update-codes", false, "rewrite data/*.txt from ../shared/fixtures")

// fixturesDir is the shared reference data beside the project's root.
const fixturesDir = "../../../../shared/fixtures"

// TestCodeListsMatchFixtures checks that the embedded lists are exactly the
// cleaned fixtures (or rewrites them with -update-codes).
func TestCodeListsMatchFixtures(t *testing.T) {
	hsFile := filepath.Join(fixturesDir, "hs", "harmonized-system.csv")
	if _, err := os.Stat(hsFile); err != nil {
		t.Skipf("fixtures not present: %v", err)
	}
	f, err := os.Open(hsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hs, err := CleanHS(f)
	if err != nil {
		t.Fatal(err)
	}
	var locodes []string
	files, _ := filepath.Glob(filepath.Join(fixturesDir, "locode", "*.csv"))
	for _, name := range files {
		lf, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		codes, err := CleanLocode(lf)
		lf.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		locodes = append(locodes, codes...)
	}
	slices.Sort(locodes)
	locodes = slices.Compact(locodes)
	checkList(t, "data/hs6.txt", hs6Data, hs)
	checkList(t, "data/locode.txt", locodeData, locodes)
}

func checkList(t *testing.T, path string, embedded []byte, want []string) {
	t.Helper()
	text := strings.Join(want, "\n") + "\n"
	if *updateCodes {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(embedded) != text {
		t.Errorf("%s differs from the cleaned fixtures; run go test -run TestCodeLists -update-codes", path)
	}
}

func TestCleanHSSkipsJunk(t *testing.T) {
	in := "section,hscode,description,parent,level\n" +
		"I,01,Animals; live,TOTAL,2\n\n" +
		"I,010121,\"Horses; live, pure-bred\",0101,6\n" +
		"   \n" +
		"XVI,84713000,Portable computers (national line),8471,6\n" +
		"XVI,847130,\"Portable ADP machines\",8471,6\n" +
		"XVI,847130,\"duplicate\",8471,6\n" +
		"TOTAL,999999,Commodities not specified,9999,6\n"
	got, err := CleanHS(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"010121", "847130"}; !slices.Equal(got, want) {
		t.Fatalf("CleanHS = %v, want %v", got, want)
	}
}

func TestCleanLocodeSkipsHeadersAndDeleted(t *testing.T) {
	in := `,"CN",,".CHINA",,,,,,,,
"=","CN",,"Peking = Beijing",,,,,,,,
,"CN","CQI","Chongqing","Chongqing","CQ","12-45---","AS","1601",,"2935N 10633E",
"X","CN","TLS","Tongliao","Tongliao","LN","-----6--","XX","2307",,,"Use CN TGO"
,"CN","QZH","Qinzhou","Qinzhou","GX","123-----","AS","2107",,,
`
	got, err := CleanLocode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"CNCQI", "CNQZH"}; !slices.Equal(got, want) {
		t.Fatalf("CleanLocode = %v, want %v", got, want)
	}
}

func TestEmbeddedListsKnowCorridorCodes(t *testing.T) {
	for _, c := range []string{"847130", "851713", "852852", "080810", "871120"} {
		if !IsHSSubheading(c) {
			t.Errorf("HS %s missing", c)
		}
	}
	for _, c := range []string{"999999", "8471", "84713000", ""} {
		if IsHSSubheading(c) {
			t.Errorf("HS %q should not be a subheading", c)
		}
	}
	for _, c := range []string{"CNCQI", "CNQZH", "THLCH", "LABTN", "LAVTE", "VNHPH", "CNMHN"} {
		if !IsLocode(c) {
			t.Errorf("LOCODE %s missing", c)
		}
	}
	for _, c := range []string{"CNTLS", "CNXXX", "cncqi"} {
		if IsLocode(c) {
			t.Errorf("LOCODE %s should be absent", c)
		}
	}
}
