package base

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

type sliceReader [][2]string

func (s sliceReader) Get(k []byte) ([]byte, error) { return nil, nil }
func (s sliceReader) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	for _, kv := range s {
		if kv[0] >= string(start) && (end == nil || kv[0] < string(end)) && !fn([]byte(kv[0]), []byte(kv[1])) {
			return nil
		}
	}
	return nil
}

func TestKeyOrderAndDecode(t *testing.T) {
	a := Key(0x20, "ab", uint64(2))
	b := Key(0x20, "ab", uint64(10))
	c := Key(0x20, "abc", uint64(1))
	if !(bytes.Compare(a, b) < 0 && bytes.Compare(b, c) < 0) {
		t.Fatalf("keys out of order: %x %x %x", a, b, c)
	}
	s, rest, err := ReadString(c[1:])
	if err != nil || s != "abc" {
		t.Fatalf("ReadString: %q %v", s, err)
	}
	if n, _, err := ReadUint64(rest); err != nil || n != 1 {
		t.Fatalf("ReadUint64: %d %v", n, err)
	}
	if _, _, err := ReadBytes([]byte{5, 1}); err == nil {
		t.Fatal("truncated part accepted")
	}
	if PrefixEnd([]byte{1, 0xff}) == nil || !bytes.Equal(PrefixEnd([]byte{1, 0xff}), []byte{2}) || PrefixEnd([]byte{0xff}) != nil {
		t.Fatal("PrefixEnd")
	}
}

func TestListPrefixPages(t *testing.T) {
	var r sliceReader
	for i := 0; i < 25; i++ {
		r = append(r, [2]string{fmt.Sprintf("p%02d", i), "v"})
	}
	r = append(r, [2]string{"q00", "other"})
	var all []string
	token := ""
	for pages := 0; ; pages++ {
		next, err := ListPrefix(r, []byte("p"), token, 10, func(k, _ []byte) error {
			all = append(all, string(k))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if next == "" {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
		token = next
	}
	if len(all) != 25 || all[24] != "p24" {
		t.Fatalf("listed %v", all)
	}
	if _, err := ListPrefix(r, []byte("p"), "!!", 10, func(_, _ []byte) error { return nil }); !errors.Is(err, ErrInvalidMsg) {
		t.Fatalf("bad token: %v", err)
	}
}

func TestErrorCodes(t *testing.T) {
	err := Prefix(ErrUnauthorized.Wrapf("needs a bank"), "message %d", 2)
	cs, code, log := ABCIInfo(err)
	if cs != Codespace || code != 11 || log != "unauthorized: message 2: needs a bank" {
		t.Fatalf("%s %d %q", cs, code, log)
	}
	if !errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrNotFound) {
		t.Fatal("errors.Is by code")
	}
	if _, code, _ := ABCIInfo(errors.New("disk")); code != ErrInternal.Code {
		t.Fatal("uncoded error is not internal")
	}
}
