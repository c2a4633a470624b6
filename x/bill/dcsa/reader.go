package dcsa

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Warning is one field the conversion could not carry over.
type Warning struct {
	// Path is the field's JSON path in the DCSA document, e.g.
	// "$.charges" or "$.documentParties.shipper.partyContactDetails".
	Path string
	// Reason says why it was not carried.
	Reason string
}

func (w Warning) String() string { return w.Path + ": " + w.Reason }

// reasons explains the unsupported fields a DCSA document commonly has.
var reasons = map[string]string{
	"charges":             "freight charges are commercial terms the bill record does not hold",
	"invoicePayableAt":    "freight invoicing is not part of the bill record",
	"partyContactDetails": "personal contact details are not put on the shared ledger",
	"endorsee":            "title on the ledger is the bill's title holder, changed only by endorsement",
	"taxLegalReferences":  "tax and legal references are not part of the bill record",
}

// obj reads one JSON object, remembering which keys were read, so that the
// rest can be reported.
type obj struct {
	path string
	m    map[string]any
	used map[string]bool
	warn *[]Warning
}

func newObj(path string, v any, warn *[]Warning) (*obj, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: expected an object, got %s", path, kind(v))
	}
	return &obj{path: path, m: m, used: map[string]bool{}, warn: warn}, nil
}

func (o *obj) get(key string) (any, bool) {
	v, ok := o.m[key]
	if ok {
		o.used[key] = true
	}
	return v, ok && v != nil
}

func (o *obj) str(key string) (string, error) {
	v, ok := o.get(key)
	if !ok {
		return "", nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", fmt.Errorf("%s.%s: expected a string, got %s", o.path, key, kind(v))
	}
	return s, nil
}

func (o *obj) boolean(key string) (bool, error) {
	v, ok := o.get(key)
	if !ok {
		return false, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, fmt.Errorf("%s.%s: expected true or false, got %s", o.path, key, kind(v))
	}
	return b, nil
}

// decimal reads a JSON number as the ledger's decimal string, refusing
// exponents so that no value goes through a float.
func (o *obj) decimal(key string) (string, error) {
	v, ok := o.get(key)
	if !ok {
		return "", nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return "", fmt.Errorf("%s.%s: expected a number, got %s", o.path, key, kind(v))
	}
	for _, c := range n.String() {
		if c == 'e' || c == 'E' {
			return "", fmt.Errorf("%s.%s: %s uses an exponent; write the plain decimal", o.path, key, n)
		}
	}
	return n.String(), nil
}

func (o *obj) uint32(key string) (uint32, error) {
	s, err := o.decimal(key)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%s.%s: %s is not a count", o.path, key, s)
	}
	return uint32(n), nil
}

func (o *obj) object(key string) (*obj, error) {
	v, ok := o.get(key)
	if !ok {
		return nil, nil
	}
	return newObj(o.path+"."+key, v, o.warn)
}

// objects reads an array of objects.
func (o *obj) objects(key string) ([]*obj, error) {
	v, ok := o.get(key)
	if !ok {
		return nil, nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		return nil, fmt.Errorf("%s.%s: expected an array, got %s", o.path, key, kind(v))
	}
	out := make([]*obj, len(arr))
	for i, e := range arr {
		c, err := newObj(fmt.Sprintf("%s.%s[%d]", o.path, key, i), e, o.warn)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// strings reads an array of strings.
func (o *obj) strings(key string) ([]string, error) {
	v, ok := o.get(key)
	if !ok {
		return nil, nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		return nil, fmt.Errorf("%s.%s: expected an array of strings, got %s", o.path, key, kind(v))
	}
	out := make([]string, len(arr))
	for i, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			return nil, fmt.Errorf("%s.%s[%d]: expected a string, got %s", o.path, key, i, kind(e))
		}
		out[i] = s
	}
	return out, nil
}

// done reports every key that was not read, in key order.
func (o *obj) done() {
	var keys []string
	for k := range o.m {
		if !o.used[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		r, ok := reasons[k]
		if !ok {
			r = "not supported by the ledger's bill record; not imported"
		}
		*o.warn = append(*o.warn, Warning{Path: o.path + "." + k, Reason: r})
	}
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
