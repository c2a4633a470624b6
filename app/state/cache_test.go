package state

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
)

// TestCacheMatchesModel runs random sets, deletes, nested writes and range
// iterations against a plain map and checks the cache's merged view agrees.
func TestCacheMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	parent := MapReader{}
	model := map[string]string{}
	for i := 0; i < 50; i++ {
		k := fmt.Sprintf("k%02d", rng.Intn(100))
		parent[k] = []byte("p" + k)
		model[k] = "p" + k
	}
	block := NewCache(parent)
	for round := 0; round < 200; round++ {
		tx := NewCache(block)
		txModel := map[string]*string{}
		for j := 0; j < 5; j++ {
			k := fmt.Sprintf("k%02d", rng.Intn(100))
			if rng.Intn(3) == 0 {
				tx.Delete([]byte(k))
				txModel[k] = nil
			} else {
				v := fmt.Sprintf("v%d-%d", round, j)
				tx.Set([]byte(k), []byte(v))
				txModel[k] = &v
			}
		}
		if rng.Intn(4) == 0 {
			continue // a failed tx: its writes are dropped
		}
		tx.Write(block)
		for k, v := range txModel {
			if v == nil {
				delete(model, k)
			} else {
				model[k] = *v
			}
		}
		lo := fmt.Sprintf("k%02d", rng.Intn(100))
		hi := fmt.Sprintf("k%02d", rng.Intn(100))
		checkRange(t, block, model, lo, hi)
	}
	for k, v := range model {
		got, _ := block.Get([]byte(k))
		if string(got) != v {
			t.Fatalf("Get(%s) = %q, want %q", k, got, v)
		}
	}
}

func checkRange(t *testing.T, c *Cache, model map[string]string, lo, hi string) {
	t.Helper()
	var want []string
	for k, v := range model {
		if k >= lo && k < hi {
			want = append(want, k+"="+v)
		}
	}
	sort.Strings(want)
	var got []string
	if err := c.Iterate([]byte(lo), []byte(hi), func(k, v []byte) bool {
		got = append(got, string(k)+"="+string(v))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Iterate[%s,%s)\n got %v\nwant %v", lo, hi, got, want)
	}
}

func TestIterateStopsEarly(t *testing.T) {
	c := NewCache(MapReader{"a": []byte("1"), "c": []byte("3")})
	c.Set([]byte("b"), []byte("2"))
	var seen []string
	_ = c.Iterate(nil, nil, func(k, _ []byte) bool {
		seen = append(seen, string(k))
		return len(seen) < 2
	})
	if fmt.Sprint(seen) != "[a b]" {
		t.Fatalf("seen %v", seen)
	}
}
