package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// jwt is a compact JWS split into its decoded parts, without any verification.
type jwt struct {
	header map[string]any
	claims map[string]any
}

// alg returns the header's alg ("" when missing or not a string).
func (t jwt) alg() string { s, _ := t.header["alg"].(string); return s }

// kid returns the header's kid.
func (t jwt) kid() string { s, _ := t.header["kid"].(string); return s }

// parseJWT decodes a compact JWS (header.payload.signature) without verifying it.
// Numbers are kept as json.Number, so that a claim's JSON type can be reported.
func parseJWT(raw string) (jwt, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return jwt{}, fmt.Errorf("empty token")
	}
	parts := strings.Split(raw, ".")
	switch len(parts) {
	case 3:
	case 5:
		return jwt{}, fmt.Errorf("an encrypted token (JWE, 5 parts); ThaID's ID tokens are signed JWTs of 3 parts")
	default:
		return jwt{}, fmt.Errorf("malformed token: a JWT has 3 dot-separated parts (header.payload.signature), this has %d", len(parts))
	}
	var t jwt
	var err error
	if t.header, err = decodeSegment("header", parts[0]); err != nil {
		return jwt{}, err
	}
	if t.claims, err = decodeSegment("payload", parts[1]); err != nil {
		return jwt{}, err
	}
	if _, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "=")); err != nil {
		return jwt{}, fmt.Errorf("malformed token: the signature is not base64url")
	}
	return t, nil
}

func decodeSegment(name, s string) (map[string]any, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("malformed token: the %s is not base64url", name)
	}
	m, err := decodeObject(b)
	if err != nil {
		return nil, fmt.Errorf("malformed token: the %s is not a JSON object", name)
	}
	return m, nil
}

// decodeObject decodes one JSON object, keeping numbers as json.Number.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("null, not an object")
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the object")
	}
	return m, nil
}
