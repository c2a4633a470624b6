package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// homeFiles returns every file under home and its content.
func homeFiles(t *testing.T, home string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(home, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		bz, err := os.ReadFile(path)
		files[path] = string(bz)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestInitRefusesAnExistingNode: init into a home that already holds a node
// fails, says so, and leaves that node's keys, genesis and config as they
// were; so does a testnet whose homes include one, before it writes any
// home.
func TestInitRefusesAnExistingNode(t *testing.T) {
	home := filepath.Join(t.TempDir(), "node")
	o := NetworkOptions{ChainID: "corridor-dev", Homes: []string{home}}
	if err := CreateSingle(o); err != nil {
		t.Fatal(err)
	}
	before := homeFiles(t, home)
	if len(before) == 0 {
		t.Fatal("init wrote nothing")
	}
	err := CreateSingle(o)
	if want := home + " already holds a node; remove it or choose another directory"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second init: %v; want %q", err, want)
	}
	after := homeFiles(t, home)
	if len(after) != len(before) {
		t.Fatalf("second init left %d files, want the %d of the first", len(after), len(before))
	}
	for path, content := range before {
		if after[path] != content {
			t.Fatalf("second init changed %s", path)
		}
	}

	fresh := filepath.Join(t.TempDir(), "fresh")
	err = CreateNetwork(NetworkOptions{ChainID: "corridor-dev", Validators: 2, BasePort: 36656, Homes: []string{fresh, home}})
	if want := home + " already holds a node"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("testnet over an existing node: %v; want %q", err, want)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Fatalf("a refused testnet wrote %s: %v", fresh, err)
	}
}
