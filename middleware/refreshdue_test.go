package middleware

import (
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

// TestRefreshDue: when AccessToken refreshes a token, by its lifetime as received, a fixed
// Config.RefreshBefore, or (reception time unknown) five minutes before its expiry.
func TestRefreshDue(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	tok := func(life time.Duration) *thaid.Token {
		return &thaid.Token{AccessToken: "at", RefreshToken: "rt", Expiry: t0.Add(life)}
	}
	tests := []struct {
		name          string
		refreshBefore time.Duration
		tok           *thaid.Token
		received      time.Time
		at            time.Duration // after t0
		want          bool
	}{
		{"15 min token at 9 min 59 s", 0, tok(15 * time.Minute), t0, 9*time.Minute + 59*time.Second, false},
		{"15 min token at 10 min: a third left", 0, tok(15 * time.Minute), t0, 10 * time.Minute, true},
		{"15 min token at 14 min", 0, tok(15 * time.Minute), t0, 14 * time.Minute, true},
		{"expired", 0, tok(15 * time.Minute), t0, 15 * time.Minute, true},
		{"1 h token at 39 min", 0, tok(time.Hour), t0, 39 * time.Minute, false},
		{"1 h token at 40 min", 0, tok(time.Hour), t0, 40 * time.Minute, true},
		{"3 min token at 1 min 59 s", 0, tok(3 * time.Minute), t0, time.Minute + 59*time.Second, false},
		{"3 min token at 2 min", 0, tok(3 * time.Minute), t0, 2 * time.Minute, true},
		{"received unknown: 5 min before expiry", 0, tok(time.Hour), time.Time{}, 55 * time.Minute, true},
		{"received unknown: 5 min 1 s before", 0, tok(time.Hour), time.Time{}, 55*time.Minute - time.Second, false},
		{"fixed 2 min, 2 min 1 s left", 2 * time.Minute, tok(15 * time.Minute), t0, 13*time.Minute - time.Second, false},
		{"fixed 2 min, 2 min left", 2 * time.Minute, tok(15 * time.Minute), t0, 13 * time.Minute, true},
		{"fixed above the lifetime: always", time.Hour, tok(15 * time.Minute), t0, 0, true},
		{"no expiry: never", 0, &thaid.Token{AccessToken: "at", RefreshToken: "rt"}, t0, 1000 * time.Hour, false},
		{"expiry before reception: expired", 0, tok(-time.Minute), t0, 0, true},
	}
	for _, tt := range tests {
		a := &Auth{refreshBefore: tt.refreshBefore}
		if got := a.refreshDue(tt.tok, tt.received, t0.Add(tt.at)); got != tt.want {
			t.Errorf("%s: refreshDue = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestRecordTokenReceived: the body keeps when the tokens were received; a body written before
// it did (no reception time after the scopes) still opens, with the time unknown.
func TestRecordTokenReceived(t *testing.T) {
	received := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	tok := &thaid.Token{AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt", Expiry: received.Add(15 * time.Minute), Scopes: []string{"openid"}}
	_, enc, err := decodeBody(string(encodeBody(nil, tok, received)))
	if err != nil {
		t.Fatal(err)
	}
	got, gotReceived, err := decodeToken(enc)
	if err != nil || got.AccessToken != "at" || !gotReceived.Equal(received) {
		t.Fatalf("decodeToken: %v, received %v, %v", got, gotReceived, err)
	}
	// The same token as an older version wrote it: without the reception time.
	e := encoder{}
	e.byte(1)
	for _, s := range []string{"at", "Bearer", "rt", ""} {
		e.string(s)
	}
	e.time(tok.Expiry)
	e.uvarint(1)
	e.string("openid")
	got, gotReceived, err = decodeToken(string(e.b))
	if err != nil || got.RefreshToken != "rt" || !got.Expiry.Equal(tok.Expiry) || !gotReceived.IsZero() {
		t.Fatalf("an older record: %v, received %v, %v", got, gotReceived, err)
	}
	if _, _, err := decodeToken(string(e.b) + "\x07"); err == nil {
		t.Fatal("a reception time that does not decode was accepted")
	}
}
