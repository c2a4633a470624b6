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
	checked := 0 // ranges that held keys
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
		// An ordered, non-empty range [lo, hi), at times without an upper
		// bound; every tenth round also an empty and an inverted range,
		// which yield nothing.
		a := rng.Intn(99)
		b := a + 1 + rng.Intn(99-a)
		lo, hi := fmt.Sprintf("k%02d", a), fmt.Sprintf("k%02d", b)
		if rng.Intn(5) == 0 {
			hi = ""
		}
		if checkRange(t, block, model, lo, hi) > 0 {
			checked++
		}
		if round%10 == 0 {
			for _, r := range [][2]string{{lo, lo}, {fmt.Sprintf("k%02d", b), lo}} {
				if got := iterate(t, block, r[0], r[1]); len(got) != 0 {
					t.Fatalf("Iterate[%s,%s) = %v, want nothing", r[0], r[1], got)
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d of 200 rounds checked a range holding keys", checked)
	}
	for k, v := range model {
		got, _ := block.Get([]byte(k))
		if string(got) != v {
			t.Fatalf("Get(%s) = %q, want %q", k, got, v)
		}
	}
}

// checkRange compares c's view of [lo, hi) with the model's (hi "" is no
// upper bound) and returns how many entries the range holds.
func checkRange(t *testing.T, c *Cache, model map[string]string, lo, hi string) int {
	t.Helper()
	var want []string
	for k, v := range model {
		if k >= lo && (hi == "" || k < hi) {
			want = append(want, k+"="+v)
		}
	}
	sort.Strings(want)
	if got := iterate(t, c, lo, hi); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Iterate[%s,%s)\n got %v\nwant %v", lo, hi, got, want)
	}
	return len(want)
}

// iterate returns c's entries in [lo, hi) as "key=value"; hi "" is no upper
// bound.
func iterate(t *testing.T, c *Cache, lo, hi string) []string {
	t.Helper()
	var end []byte
	if hi != "" {
		end = []byte(hi)
	}
	var got []string
	if err := c.Iterate([]byte(lo), end, func(k, v []byte) bool {
		got = append(got, string(k)+"="+string(v))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return got
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
