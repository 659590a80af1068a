package thaid

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestDecodeJSONObject(t *testing.T) {
	tests := []struct {
		in   string
		fast bool // expected to take the fast path
	}{
		{`{}`, true},
		{` { "a" : "b" , "n":-1.5e3, "z":0, "t":true, "f":false, "x":null } `, true},
		{`{"name":"นาย สมชาย ใจดี","ial":2.3,"aud":["a","b"],"address":{"formatted":"x","n":[1,{"y":"}]"}]}}`, true},
		{`{"a":"x\"y","b":"\u0e2a\n"}`, true},
		{`{"a":1,"a":2}`, true},
		{`{"a":-0}`, true},
		{"{\"a\":\"\xff\"}", true}, // invalid UTF-8: encoding/json replaces it
		{`{"a":1e400}`, false},
		{`{"a":01}`, false},
		{`{"a":1.}`, false},
		{`{"a":.5}`, false},
		{`{"a":+1}`, false},
		{`{"a":"` + "\x01" + `"}`, false},
		{`{"a":tru}`, false},
		{`{"a":1,}`, false},
		{`{"a" 1}`, false},
		{`{"a":1} x`, false},
		{`{"a":{"b":1}`, false},
		{`{"a":[1,]}`, false},
		{`[1]`, false},
		{`null`, false},
		{``, false},
	}
	for _, tt := range tests {
		_, ok := fastObject([]byte(tt.in))
		if ok != tt.fast {
			t.Errorf("fastObject(%q) ok = %t, want %t", tt.in, ok, tt.fast)
		}
		checkFastObject(t, []byte(tt.in))
		got, err := decodeJSONObject([]byte(tt.in))
		var want map[string]any
		wantErr := json.Unmarshal([]byte(tt.in), &want)
		if wantErr == nil && want == nil {
			wantErr = errNull
		}
		if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Errorf("decodeJSONObject(%q) = %v, %v; encoding/json %v, %v", tt.in, got, err, want, wantErr)
		}
	}
}

var errNull = errors.New("null")
