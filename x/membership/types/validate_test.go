package types

import (
	"strings"
	"testing"
)

func TestCreditCode(t *testing.T) {
	// A real code's shape: the check character is computed by GB 32100-2015.
	c, err := CreditCodeCheck("91350100M000100Y4")
	if err != nil {
		t.Fatal(err)
	}
	good := "91350100M000100Y4" + string(c)
	if err := ValidateCreditCode(good); err != nil {
		t.Fatalf("%s: %v", good, err)
	}
	bad := []struct{ code, want string }{
		{"", "18 characters"},
		{good[:17], "18 characters"},
		{good[:17] + "Z", "check character"},
		{"91350100M0001I0Y4" + string(c), "not allowed"},
	}
	for _, b := range bad {
		if err := ValidateCreditCode(b.code); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: got %v, want an error containing %q", b.code, err, b.want)
		}
	}
	// Codes whose check characters were worked out by hand from GB 32100-2015
	// (character values 0-30, weight of position i is 3^i mod 31, check value
	// 31 - sum mod 31, where 31 stands for 0), not with the code under test.
	// For 91350100M000100Y4 the weighted sum is 1640; 1640 mod 31 is 28, so
	// the check character is the one of value 3.
	for _, code := range []string{
		"91350100M000100Y43",
		"914403001922038216",
		"9144030071526726XG",
		"91330100799655058B",
		"91350100M000100Y30", // weighted sum divisible by 31: check character 0
	} {
		if err := ValidateCreditCode(code); err != nil {
			t.Errorf("%s refused: %v", code, err)
		}
	}
	// The same codes with another allowed character in the check position.
	for _, b := range []struct{ code, want string }{
		{"91350100M000100Y44", `check character is '4', expected '3'`},
		{"91350100M000100Y4A", `check character is 'A', expected '3'`},
		{"914403001922038215", `check character is '5', expected '6'`},
		{"9144030071526726XF", `check character is 'F', expected 'G'`},
		{"91350100M000100Y3Y", `check character is 'Y', expected '0'`},
	} {
		if err := ValidateCreditCode(b.code); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: got %v, want an error containing %q", b.code, err, b.want)
		}
	}
	// Changing any one character breaks the check.
	for i := 0; i < 17; i++ {
		mut := []byte(good)
		if mut[i] == '1' {
			mut[i] = '2'
		} else {
			mut[i] = '1'
		}
		if ValidateCreditCode(string(mut)) == nil {
			t.Errorf("a change at position %d was not detected", i+1)
		}
	}
}

func TestValidateMember(t *testing.T) {
	key := &Key{Id: "k1", Scheme: KeyScheme_KEY_SCHEME_ED25519, PublicKey: make([]byte, 32)}
	ok := func() *Member {
		return &Member{Id: "cq-trade", Name: "Trade Co.", Roles: []Role{Role_ROLE_CARRIER}, Province: "chongqing", Country: "CN", Keys: []*Key{key}}
	}
	if err := ValidateMember(ok()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(*Member)
		field string
	}{
		{"bad id", func(m *Member) { m.Id = "A" }, "member.id"},
		{"no name", func(m *Member) { m.Name = "" }, "member.name"},
		{"no roles", func(m *Member) { m.Roles = nil }, "member.roles"},
		{"duplicate role", func(m *Member) { m.Roles = []Role{Role_ROLE_BANK, Role_ROLE_BANK} }, "appears twice"},
		{"unknown province", func(m *Member) { m.Province = "guangdong" }, "member.province"},
		{"bad country", func(m *Member) { m.Country = "china" }, "member.country"},
		{"CN enterprise without credit code", func(m *Member) { m.Roles = []Role{Role_ROLE_ENTERPRISE} }, "member.credit_code"},
		{"customs office without jurisdiction", func(m *Member) { m.Roles = []Role{Role_ROLE_CUSTOMS_OFFICE} }, "member.jurisdiction"},
		{"bad customs code", func(m *Member) { m.CustomsCode = "12" }, "member.customs_code"},
		{"no keys", func(m *Member) { m.Keys = nil }, "member.keys"},
		{"short key", func(m *Member) {
			m.Keys = []*Key{{Id: "k1", Scheme: KeyScheme_KEY_SCHEME_ED25519, PublicKey: []byte{1}}}
		}, "32 bytes"},
		{"sm2 key", func(m *Member) { m.Keys = []*Key{{Id: "k1", Scheme: KeyScheme_KEY_SCHEME_SM2, PublicKey: []byte{1}}} }, "SM2"},
		{"duplicate key id", func(m *Member) { m.Keys = []*Key{key, key} }, "appears twice"},
	}
	for _, tc := range cases {
		m := ok()
		tc.edit(m)
		err := ValidateMember(m)
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: got %v, want an error naming %q", tc.name, err, tc.field)
		}
	}
}
