package thaid

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// decodeJSONObject decodes a JSON object into a map exactly as
// json.Unmarshal(data, &map[string]any) would, but faster for the flat
// objects that ID-token payloads and token responses are: the top level is
// scanned by hand, and only strings with escapes, nested objects and arrays
// are handed to encoding/json. Anything unusual falls back to encoding/json,
// which then also produces the error. FuzzDecodeClaims checks the equivalence.
func decodeJSONObject(data []byte) (map[string]any, error) {
	if m, ok := fastObject(data); ok {
		return m, nil
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null instead of an object")
	}
	return m, nil
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// fastObject returns ok=false whenever it is not sure to match encoding/json.
func fastObject(data []byte) (map[string]any, bool) {
	s := scanner{b: data}
	s.ws()
	if !s.eat('{') {
		return nil, false
	}
	m := make(map[string]any, 24)
	s.ws()
	if s.eat('}') {
		s.ws()
		return m, s.i == len(s.b)
	}
	for {
		s.ws()
		k, ok := s.str()
		if !ok {
			return nil, false
		}
		s.ws()
		if !s.eat(':') {
			return nil, false
		}
		s.ws()
		v, ok := s.value()
		if !ok {
			return nil, false
		}
		m[k] = v
		s.ws()
		if s.eat(',') {
			continue
		}
		if s.eat('}') {
			break
		}
		return nil, false
	}
	s.ws()
	return m, s.i == len(s.b)
}

func (s *scanner) value() (any, bool) {
	if s.i >= len(s.b) {
		return nil, false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == '{' || c == '[':
		end, ok := s.compositeEnd()
		if !ok {
			return nil, false
		}
		var v any
		if err := json.Unmarshal(s.b[s.i:end], &v); err != nil {
			return nil, false
		}
		s.i = end
		return v, true
	case s.lit("true"):
		return true, true
	case s.lit("false"):
		return false, true
	case s.lit("null"):
		return nil, true
	}
	return nil, false
}

func (s *scanner) lit(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// str reads a string. Plain valid-UTF-8 strings are copied directly; strings
// with escapes or invalid UTF-8 go through encoding/json.
func (s *scanner) str() (string, bool) {
	if !s.eat('"') {
		return "", false
	}
	start := s.i
	plain, ascii := true, true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw := s.b[start:s.i]
			s.i++
			if plain && (ascii || utf8.Valid(raw)) {
				return string(raw), true
			}
			var out string
			if err := json.Unmarshal(s.b[start-1:s.i], &out); err != nil {
				return "", false
			}
			return out, true
		case c == '\\':
			plain = false
			s.i += 2
		case c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
			s.i++
		default:
			s.i++
		}
	}
	return "", false
}

// number reads a number with JSON's grammar, as float64 like encoding/json.
func (s *scanner) number() (any, bool) {
	start := s.i
	s.eat('-')
	switch {
	case s.eat('0'):
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return nil, false
	}
	if s.eat('.') {
		if !s.digits() {
			return nil, false
		}
	}
	if s.eat('e') || s.eat('E') {
		if !s.eat('+') {
			s.eat('-')
		}
		if !s.digits() {
			return nil, false
		}
	}
	f, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		return nil, false
	}
	return f, true
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

// compositeEnd finds the end of the object or array at s.i (not validating
// it: encoding/json does that).
func (s *scanner) compositeEnd() (int, bool) {
	depth := 0
	for i := s.i; i < len(s.b); i++ {
		switch s.b[i] {
		case '"':
			for i++; i < len(s.b) && s.b[i] != '"'; i++ {
				if s.b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return 0, false
}
