package types

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/landsea/corridor/x/base"
)

// Limits on member records.
const (
	// KeysPerMemberMax is how many keys of a member may sign at once
	// (active, or revoked from a height not yet passed).
	KeysPerMemberMax = 8
	// KeysPerRecordMax is how many keys a member's record lists, revoked
	// ones included; adding a key to a full record drops the revoked key
	// that stopped signing first, so rotation never comes to an end.
	KeysPerRecordMax = 32
	NameBytesMax     = 256
)

var (
	idPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,63}$`)
	keyIDPattern   = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	customsPattern = regexp.MustCompile(`^[0-9A-Z]{10}$`)
)

// ValidateID checks a member id.
func ValidateID(field, id string) error {
	return base.Require(idPattern.MatchString(id), field,
		"%q must be 2-64 characters of a-z, 0-9, '.' or '-', starting with a letter or digit", id)
}

// ValidateKeyID checks a key id.
func ValidateKeyID(field, id string) error {
	return base.Require(keyIDPattern.MatchString(id), field,
		"%q must be 1-32 characters of A-Z, a-z, 0-9, '.', '_' or '-'", id)
}

// ValidateKey checks a key's stateless fields.
func ValidateKey(k *Key) error {
	if k == nil {
		return base.ErrInvalidMsg.Wrapf("key: missing")
	}
	if err := ValidateKeyID("key.id", k.Id); err != nil {
		return err
	}
	switch k.Scheme {
	case KeyScheme_KEY_SCHEME_ED25519:
		if len(k.PublicKey) != 32 {
			return base.ErrInvalidMsg.Wrapf("key %s: an Ed25519 public key is 32 bytes, got %d", k.Id, len(k.PublicKey))
		}
	case KeyScheme_KEY_SCHEME_SM2:
		return base.ErrUnsupportedScheme.Wrapf("key %s: SM2 keys are not accepted yet", k.Id)
	default:
		return base.ErrInvalidMsg.Wrapf("key %s: scheme must be set", k.Id)
	}
	return nil
}

// ValidateMember checks a member record's stateless fields.
func ValidateMember(m *Member) error {
	if m == nil {
		return base.ErrInvalidMsg.Wrapf("member: missing")
	}
	if err := ValidateID("member.id", m.Id); err != nil {
		return err
	}
	if m.Name == "" || len(m.Name) > NameBytesMax {
		return base.ErrInvalidMsg.Wrapf("member.name: must be 1-%d bytes, got %d", NameBytesMax, len(m.Name))
	}
	if err := validateRoles(m.Roles); err != nil {
		return err
	}
	if !IsProvince(m.Province) {
		return base.ErrInvalidMsg.Wrapf("member.province: %q is not one of the 15 corridor provinces", m.Province)
	}
	if !countryPattern.MatchString(m.Country) {
		return base.ErrInvalidMsg.Wrapf("member.country: %q is not an ISO 3166-1 alpha-2 code", m.Country)
	}
	if err := validateCodes(m); err != nil {
		return err
	}
	if len(m.Keys) == 0 || len(m.Keys) > KeysPerMemberMax {
		return base.ErrInvalidMsg.Wrapf("member.keys: need 1 to %d keys, got %d", KeysPerMemberMax, len(m.Keys))
	}
	seen := map[string]bool{}
	for _, k := range m.Keys {
		if err := ValidateKey(k); err != nil {
			return err
		}
		if seen[k.Id] {
			return base.ErrInvalidMsg.Wrapf("member.keys: key id %q appears twice", k.Id)
		}
		seen[k.Id] = true
	}
	return nil
}

func validateRoles(roles []Role) error {
	if len(roles) == 0 {
		return base.ErrInvalidMsg.Wrapf("member.roles: at least one role is required")
	}
	for i, r := range roles {
		if _, ok := Role_name[int32(r)]; !ok || r == Role_ROLE_UNSPECIFIED {
			return base.ErrInvalidMsg.Wrapf("member.roles[%d]: %d is not a role", i, r)
		}
		if slices.Contains(roles[:i], r) {
			return base.ErrInvalidMsg.Wrapf("member.roles: %s appears twice", r)
		}
	}
	return nil
}

func validateCodes(m *Member) error {
	if m.CreditCode != "" || (m.Country == "CN" && HasRole(m, Role_ROLE_ENTERPRISE)) {
		if err := ValidateCreditCode(m.CreditCode); err != nil {
			return base.ErrInvalidMsg.Wrapf("member.credit_code: %v", err)
		}
	}
	if m.CustomsCode != "" && !customsPattern.MatchString(m.CustomsCode) {
		return base.ErrInvalidMsg.Wrapf("member.customs_code: %q must be 10 characters of 0-9 and A-Z", m.CustomsCode)
	}
	if HasRole(m, Role_ROLE_CUSTOMS_OFFICE) && m.Jurisdiction == "" {
		return base.ErrInvalidMsg.Wrapf("member.jurisdiction: a customs office must name its jurisdiction, e.g. CN-chongqing or TH")
	}
	return nil
}

// creditCodeChars are the 31 characters of GB 32100-2015, in value order.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateCreditCode checks an 18-character unified social credit code,
// including its check character (GB 32100-2015).
func ValidateCreditCode(code string) error {
	if len(code) != 18 {
		return fmt.Errorf("%q must be 18 characters, got %d", code, len(code))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := indexByte(creditCodeChars, code[i])
		if v < 0 {
			return fmt.Errorf("%q: character %d (%q) is not allowed (0-9 and A-Y without I, O, S, V, Z)", code, i+1, code[i])
		}
		sum += v * creditCodeWeights[i]
	}
	check := (31 - sum%31) % 31
	if code[17] != creditCodeChars[check] {
		return fmt.Errorf("%q: check character is %q, expected %q", code, code[17], creditCodeChars[check])
	}
	return nil
}

// CreditCodeCheck returns the check character for the first 17 characters.
func CreditCodeCheck(first17 string) (byte, error) {
	sum := 0
	for i := 0; i < 17 && i < len(first17); i++ {
		v := indexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("character %q not allowed", first17[i])
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeChars[(31-sum%31)%31], nil
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// HasRole reports whether m holds role r.
func HasRole(m *Member, r Role) bool { return m != nil && slices.Contains(m.Roles, r) }

// FindKey returns the member's key with id, or nil.
func FindKey(m *Member, id string) *Key {
	for _, k := range m.Keys {
		if k.Id == id {
			return k
		}
	}
	return nil
}
