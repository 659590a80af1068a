package middleware

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"reflect"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// The format of a session record: what it holds, byte by byte. How it is sealed is seal.go's
// business. A record has two parts, sealed apart: the head, which every request opens, and the
// body, which a request opens only when it asks for the identity or the tokens.
//
//	head:     created (8 bytes, Unix ns) | last seen (8 bytes, Unix ns) | user ID (the rest)
//	body:     identity (length-prefixed; empty = none) | token
//	token:    0 (none), or 1 | access | type | refresh | ID token | expiry | scope count | scopes |
//	          received (when the middleware received the token: the start of its lifetime, from
//	          which AccessToken tells when to refresh it; absent from records written before
//	          December 2026, read as unknown)
//	identity: flags | claims (Identity.Raw) | the typed fields (see encodeIdentity)
//
// The last-seen time sits at a fixed offset of the head, so that a request can note its visit
// without decoding the rest. Every string is written once: a typed field of the identity that
// equals its claim is written as a reference to the claim, and decodes as a part of the same
// string (no copy, no JSON).

// headSize is the size of a head without its user ID.
const headSize = 16

func encodeHead(created, lastSeen time.Time, userID string) []byte {
	b := make([]byte, headSize, headSize+len(userID))
	binary.BigEndian.PutUint64(b, uint64(created.UnixNano()))
	binary.BigEndian.PutUint64(b[8:], uint64(lastSeen.UnixNano()))
	return append(b, userID...)
}

func decodeHead(p []byte) (created, lastSeen time.Time, userID []byte, err error) {
	if len(p) < headSize {
		return time.Time{}, time.Time{}, nil, errRecord
	}
	created = time.Unix(0, int64(binary.BigEndian.Uint64(p)))
	lastSeen = time.Unix(0, int64(binary.BigEndian.Uint64(p[8:])))
	return created, lastSeen, p[headSize:], nil
}

// encodeBody writes a body: identity is encodeIdentity's output (nil = none), tok the tokens
// (nil = none), received when the middleware received them.
func encodeBody(identity []byte, tok *thaid.Token, received time.Time) []byte {
	e := encoder{b: make([]byte, 0, 16+len(identity)+tokenSize(tok))}
	e.bytes(identity)
	if tok == nil {
		e.byte(0)
		return e.b
	}
	e.byte(1)
	e.string(tok.AccessToken)
	e.string(tok.TokenType)
	e.string(tok.RefreshToken)
	e.string(tok.IDToken)
	e.time(tok.Expiry)
	e.uvarint(len(tok.Scopes))
	for _, s := range tok.Scopes {
		e.string(s)
	}
	e.time(received)
	return e.b
}

func tokenSize(t *thaid.Token) int {
	if t == nil {
		return 1
	}
	n := 48 + len(t.AccessToken) + len(t.TokenType) + len(t.RefreshToken) + len(t.IDToken)
	for _, s := range t.Scopes {
		n += 2 + len(s)
	}
	return n
}

// decodeBody splits a body into its identity's encoding and its token's ("" = none of either);
// both are parts of body.
func decodeBody(body string) (identity, token string, err error) {
	d := decoder{s: body}
	identity = d.string()
	if d.bad || d.s == "" {
		return "", "", errRecord
	}
	return identity, d.s, nil
}

// decodeToken reads a body's token (nil = none) and when it was received (zero when unknown).
// Its strings are parts of s.
func decodeToken(s string) (tok *thaid.Token, received time.Time, err error) {
	d := decoder{s: s}
	switch d.byte() {
	case 0:
	case 1:
		tok = &thaid.Token{
			AccessToken:  d.string(),
			TokenType:    d.string(),
			RefreshToken: d.string(),
			IDToken:      d.string(),
			Expiry:       d.time(),
		}
		if n := d.count(); n > 0 {
			tok.Scopes = make([]string, n)
			for i := range tok.Scopes {
				tok.Scopes[i] = d.string()
			}
		}
		if d.s != "" { // absent from the records of older versions
			received = d.time()
		}
	default:
		d.bad = true
	}
	if err := d.end(); err != nil {
		return nil, time.Time{}, err
	}
	return tok, received, nil
}

// The identity: a flags byte (identityVerified, identityRaw), the claims when identityRaw is set
// (a count, then each name and value), then the typed fields in the order of identityStrings,
// then the PID, the three dates, the address and the time of authentication.
const (
	identityVerified = 1 << iota
	identityRaw      // Raw is not nil
)

// Claim values, tagged by their first byte. Values that are not what encoding/json decodes into
// an `any` (a hand-built Raw may hold an int, say) are written as JSON, and read back as
// encoding/json reads them.
const (
	valueNull = iota
	valueFalse
	valueTrue
	valueNumber
	valueString
	valueArray
	valueObject
	valueJSON
)

// Typed string fields: empty, the string value of their claim, or written out.
const (
	fieldEmpty = iota
	fieldClaim
	fieldText
	fieldFormatted // Address.Formatted only: the "formatted" member of the address object
)

// identityClaims names the claim of each of identityStrings' fields, in the same order.
var identityClaims = [...]string{
	"sub", "iss", thaid.ScopeTitle, thaid.ScopeGivenName, thaid.ScopeMiddleName, thaid.ScopeFamilyName,
	thaid.ScopeName, thaid.ScopeTitleEN, thaid.ScopeGivenNameEN, thaid.ScopeMiddleNameEN,
	thaid.ScopeFamilyNameEN, thaid.ScopeNameEN, thaid.ScopeGender, thaid.ScopeSmartcardCode, thaid.ScopeIAL,
}

// identityStrings returns the identity's string fields, in the order of identityClaims.
func identityStrings(id *thaid.Identity) [len(identityClaims)]*string {
	return [...]*string{
		&id.Subject, &id.Issuer, &id.Title, &id.GivenName, &id.MiddleName, &id.FamilyName,
		&id.Name, &id.TitleEN, &id.GivenNameEN, &id.MiddleNameEN,
		&id.FamilyNameEN, &id.NameEN, &id.Gender, &id.SmartcardCode, &id.IAL,
	}
}

// encodeIdentity writes id, typed: each field as it is, never through JSON (except claim values
// that are not JSON's own types). A nil id writes nothing (a body without an identity).
func encodeIdentity(id *thaid.Identity) ([]byte, error) {
	if id == nil {
		return nil, nil
	}
	e := encoder{b: make([]byte, 0, 512)}
	var flags byte
	if id.Verified {
		flags |= identityVerified
	}
	if id.Raw != nil {
		flags |= identityRaw
	}
	e.byte(flags)
	if id.Raw != nil {
		if err := e.object(id.Raw, 0); err != nil {
			return nil, err
		}
	}
	for i, f := range identityStrings(id) {
		e.field(*f, id.Raw[identityClaims[i]])
	}
	e.field(id.PID.Digits(), id.Raw[thaid.ScopePID])
	for _, d := range []*thaid.Date{id.Birthdate, id.DateOfIssuance, id.DateOfExpiry} {
		if d == nil {
			e.byte(0)
			continue
		}
		e.byte(1)
		e.varint(int64(d.Year))
		e.varint(int64(d.Month))
		e.varint(int64(d.Day))
	}
	if err := e.address(id.Address, id.Raw[thaid.ScopeAddress]); err != nil {
		return nil, err
	}
	e.time(id.AuthTime)
	return e.b, nil
}

// field writes a typed string field: a reference to claim when it holds the same string.
func (e *encoder) field(s string, claim any) {
	switch c, _ := claim.(string); {
	case s == "":
		e.byte(fieldEmpty)
	case c == s:
		e.byte(fieldClaim)
	default:
		e.byte(fieldText)
		e.string(s)
	}
}

func (e *encoder) address(a *thaid.Address, claim any) error {
	if a == nil {
		e.byte(0)
		return nil
	}
	obj, isObject := claim.(map[string]any)
	switch {
	case a.Fields == nil:
		e.byte(1)
	case isObject && reflect.DeepEqual(a.Fields, obj):
		e.byte(2) // the claim's object
	default:
		e.byte(3)
		if err := e.object(a.Fields, 0); err != nil {
			return err
		}
	}
	if f, _ := a.Fields["formatted"].(string); f != "" && f == a.Formatted {
		e.byte(fieldFormatted)
		return nil
	}
	e.field(a.Formatted, claim)
	return nil
}

func (e *encoder) object(m map[string]any, depth int) error {
	e.uvarint(len(m))
	for k, v := range m {
		e.string(k)
		if err := e.value(v, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) value(v any, depth int) error {
	if depth > maxDepth {
		return errRecord
	}
	switch x := v.(type) {
	case nil:
		e.byte(valueNull)
	case bool:
		if x {
			e.byte(valueTrue)
		} else {
			e.byte(valueFalse)
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) { // no JSON number, so no claim
			return errRecord
		}
		e.byte(valueNumber)
		e.float64(x)
	case string:
		e.byte(valueString)
		e.string(x)
	case []any:
		e.byte(valueArray)
		e.uvarint(len(x))
		for _, y := range x {
			if err := e.value(y, depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		e.byte(valueObject)
		return e.object(x, depth)
	default:
		j, err := json.Marshal(x)
		if err != nil {
			return err
		}
		e.byte(valueJSON)
		e.bytes(j)
	}
	return nil
}

// decodeIdentity reads what encodeIdentity wrote. Its strings are parts of s.
func decodeIdentity(s string) (*thaid.Identity, error) {
	d := decoder{s: s}
	id := new(thaid.Identity)
	flags := d.byte()
	id.Verified = flags&identityVerified != 0
	if flags&identityRaw != 0 {
		id.Raw = d.object(0)
	}
	for i, f := range identityStrings(id) {
		*f = d.field(id.Raw[identityClaims[i]], nil)
	}
	if digits := d.field(id.Raw[thaid.ScopePID], nil); digits != "" && !d.bad {
		pid, err := thaid.ParsePID(digits)
		if err != nil {
			return nil, errRecord
		}
		id.PID = pid
	}
	for _, dst := range []**thaid.Date{&id.Birthdate, &id.DateOfIssuance, &id.DateOfExpiry} {
		switch d.byte() {
		case 0:
		case 1:
			*dst = &thaid.Date{Year: int(d.varint()), Month: int(d.varint()), Day: int(d.varint())}
		default:
			d.bad = true
		}
	}
	id.Address = d.address(id.Raw[thaid.ScopeAddress])
	id.AuthTime = d.time()
	if err := d.end(); err != nil {
		return nil, err
	}
	return id, nil
}

// field reads a typed string field; formatted is the address object's "formatted" member, when
// the field is an address's.
func (d *decoder) field(claim any, fields map[string]any) string {
	switch d.byte() {
	case fieldEmpty:
		return ""
	case fieldClaim:
		if s, ok := claim.(string); ok {
			return s
		}
	case fieldText:
		return d.string()
	case fieldFormatted:
		if s, ok := fields["formatted"].(string); ok {
			return s
		}
	}
	d.bad = true
	return ""
}

func (d *decoder) address(claim any) *thaid.Address {
	a := new(thaid.Address)
	switch d.byte() {
	case 0:
		return nil
	case 1:
	case 2:
		obj, ok := claim.(map[string]any)
		if !ok {
			d.bad = true
			return nil
		}
		a.Fields = obj
	case 3:
		a.Fields = d.object(0)
	default:
		d.bad = true
		return nil
	}
	a.Formatted = d.field(claim, a.Fields)
	return a
}

func (d *decoder) object(depth int) map[string]any {
	n := d.count()
	if d.bad {
		return nil
	}
	m := make(map[string]any, n)
	for range n {
		k := d.string()
		m[k] = d.value(depth + 1)
		if d.bad {
			return nil
		}
	}
	return m
}

func (d *decoder) value(depth int) any {
	if depth > maxDepth {
		d.bad = true
		return nil
	}
	switch d.byte() {
	case valueNull:
		return nil
	case valueFalse:
		return false
	case valueTrue:
		return true
	case valueNumber:
		f := d.float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			d.bad = true
		}
		return f
	case valueString:
		return d.string()
	case valueArray:
		n := d.count()
		if d.bad {
			return nil
		}
		a := make([]any, n)
		for i := range a {
			a[i] = d.value(depth + 1)
		}
		return a
	case valueObject:
		return d.object(depth)
	case valueJSON:
		var v any
		if err := json.Unmarshal([]byte(d.string()), &v); err != nil {
			d.bad = true
		}
		return v
	}
	d.bad = true
	return nil
}
