// Package storetest is a conformance suite for implementations of middleware.Store. Every store
// (the memory store, the Redis store, your own) runs it from its tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) middleware.Store { return newTestStore(t) })
//	}
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

// NewFullSession returns a session with a full identity (every kind of claim, an unknown one
// included) and tokens, for store tests.
func NewFullSession(t testing.TB) *middleware.Session {
	t.Helper()
	created := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	id := &thaid.Identity{
		Subject:      "sub-1",
		PID:          thaid.MustParsePID("1101700230708"),
		Title:        "นาย",
		GivenName:    "สมชาย",
		FamilyName:   "ใจดี",
		Name:         "นาย สมชาย ใจดี",
		TitleEN:      "Mr.",
		GivenNameEN:  "Somchai",
		FamilyNameEN: "Jaidee",
		NameEN:       "Mr. Somchai Jaidee",
		Birthdate:    &thaid.Date{Year: 1990, Month: 5, Day: 17},
		Gender:       "male",
		Address:      &thaid.Address{Formatted: "1 ถนนราชดำเนิน กรุงเทพมหานคร"},
		IAL:          "2.3",
		AuthTime:     created,
		Issuer:       "https://issuer.example",
		Verified:     true,
		Raw:          map[string]any{"sub": "sub-1", "custom_claim": "kept"},
	}
	tok := &thaid.Token{
		AccessToken:  "at-secret",
		TokenType:    "Bearer",
		RefreshToken: "rt-secret",
		IDToken:      "id.token.sig",
		Expiry:       created.Add(15 * time.Minute),
		Scopes:       []string{"openid", "pid", "name"},
	}
	return middleware.NewSession("user-42", id, tok, created)
}

// Run runs the conformance suite. newStore returns an empty store for each subtest; it may
// register cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) middleware.Store) {
	ctx := context.Background()
	const ttl = time.Minute

	t.Run("SessionRoundTrip", func(t *testing.T) {
		st := newStore(t)
		want := NewFullSession(t)
		if err := st.SaveSession(ctx, "sid-1", want, ttl); err != nil {
			t.Fatalf("SaveSession: %v", err)
		}
		got, err := st.GetSession(ctx, "sid-1")
		if err != nil {
			t.Fatalf("GetSession: %v", err)
		}
		if !sameJSON(t, got, want) {
			t.Errorf("session changed in the store:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
		}
		if got.Identity == nil || got.Identity.PID.Digits() != "1101700230708" {
			t.Errorf("identity PID lost: %+v", got.Identity)
		}
		if !got.HasToken() {
			t.Errorf("tokens lost")
		}
	})

	t.Run("SessionMissing", func(t *testing.T) {
		st := newStore(t)
		if _, err := st.GetSession(ctx, "nope"); !errors.Is(err, middleware.ErrNotFound) {
			t.Errorf("GetSession(missing) error = %v, want ErrNotFound", err)
		}
		if err := st.DeleteSession(ctx, "nope"); err != nil {
			t.Errorf("DeleteSession(missing) = %v, want nil", err)
		}
	})

	t.Run("SessionReplaceAndDelete", func(t *testing.T) {
		st := newStore(t)
		s1 := middleware.NewSession("u1", nil, nil, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		s2 := middleware.NewSession("u2", nil, nil, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
		for _, s := range []*middleware.Session{s1, s2} {
			if err := st.SaveSession(ctx, "sid", s, ttl); err != nil {
				t.Fatalf("SaveSession: %v", err)
			}
		}
		got, err := st.GetSession(ctx, "sid")
		if err != nil || got.UserID != "u2" {
			t.Fatalf("GetSession after replace = %v, %v; want u2", got, err)
		}
		if err := st.SaveSession(ctx, "other", s1, ttl); err != nil {
			t.Fatalf("SaveSession: %v", err)
		}
		if err := st.DeleteSession(ctx, "sid"); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
		if _, err := st.GetSession(ctx, "sid"); !errors.Is(err, middleware.ErrNotFound) {
			t.Errorf("GetSession after delete: %v, want ErrNotFound", err)
		}
		if got, err := st.GetSession(ctx, "other"); err != nil || got.UserID != "u1" {
			t.Errorf("other session: %v, %v", got, err)
		}
	})

	t.Run("TouchDoesNotResurrect", func(t *testing.T) {
		st := newStore(t)
		toucher, ok := st.(middleware.SessionToucher)
		if !ok {
			t.Skip("store does not implement middleware.SessionToucher")
		}
		s := middleware.NewSession("u1", nil, nil, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err := toucher.TouchSession(ctx, "never-saved", s, ttl); err != nil {
			t.Fatalf("TouchSession(missing): %v", err)
		}
		if _, err := st.GetSession(ctx, "never-saved"); !errors.Is(err, middleware.ErrNotFound) {
			t.Errorf("TouchSession created a session: %v", err)
		}
		if err := st.SaveSession(ctx, "live", s, ttl); err != nil {
			t.Fatal(err)
		}
		s2 := middleware.NewSession("u2", nil, nil, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err := toucher.TouchSession(ctx, "live", s2, ttl); err != nil {
			t.Fatalf("TouchSession(live): %v", err)
		}
		if got, err := st.GetSession(ctx, "live"); err != nil || got.UserID != "u2" {
			t.Errorf("after TouchSession: %v, %v; want u2", got, err)
		}
		if err := st.DeleteSession(ctx, "live"); err != nil {
			t.Fatal(err)
		}
		if err := toucher.TouchSession(ctx, "live", s2, ttl); err != nil {
			t.Fatalf("TouchSession(deleted): %v", err)
		}
		if _, err := st.GetSession(ctx, "live"); !errors.Is(err, middleware.ErrNotFound) {
			t.Errorf("TouchSession brought a deleted session back: %v", err)
		}
	})

	t.Run("PendingTakenOnce", func(t *testing.T) {
		st := newStore(t)
		want := &middleware.PendingLogin{
			Login:       thaid.Login{State: "state-1", Nonce: "n", CodeVerifier: "v", CreatedAt: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)},
			ReturnTo:    "/after?x=1",
			BrowserHash: "hash",
			CreatedAt:   time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
		}
		if err := st.SavePending(ctx, "state-1", want, ttl); err != nil {
			t.Fatalf("SavePending: %v", err)
		}
		got, err := st.TakePending(ctx, "state-1")
		if err != nil {
			t.Fatalf("TakePending: %v", err)
		}
		if !sameJSON(t, got, want) {
			t.Errorf("pending login changed:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
		}
		if _, err := st.TakePending(ctx, "state-1"); !errors.Is(err, middleware.ErrNotFound) {
			t.Errorf("second TakePending: %v, want ErrNotFound", err)
		}
		if _, err := st.TakePending(ctx, "never"); !errors.Is(err, middleware.ErrNotFound) {
			t.Errorf("TakePending(unknown): %v, want ErrNotFound", err)
		}
	})

	t.Run("PendingSeparateStates", func(t *testing.T) {
		st := newStore(t)
		for i := range 3 {
			s := fmt.Sprint("st-", i)
			if err := st.SavePending(ctx, s, &middleware.PendingLogin{ReturnTo: "/" + s}, ttl); err != nil {
				t.Fatalf("SavePending: %v", err)
			}
		}
		for _, i := range []int{2, 0, 1} {
			s := fmt.Sprint("st-", i)
			p, err := st.TakePending(ctx, s)
			if err != nil || p.ReturnTo != "/"+s {
				t.Errorf("TakePending(%s) = %+v, %v", s, p, err)
			}
		}
	})

	t.Run("PendingConcurrentTake", func(t *testing.T) {
		st := newStore(t)
		if err := st.SavePending(ctx, "race", &middleware.PendingLogin{ReturnTo: "/"}, ttl); err != nil {
			t.Fatalf("SavePending: %v", err)
		}
		const n = 16
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.TakePending(ctx, "race")
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, middleware.ErrNotFound) {
					t.Errorf("TakePending: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("%d of %d concurrent takes succeeded, want exactly 1", wins, n)
		}
	})

	t.Run("ExpiredAtOnce", func(t *testing.T) {
		// A non-positive TTL must not keep an entry forever.
		st := newStore(t)
		_ = st.SavePending(ctx, "gone", &middleware.PendingLogin{}, -time.Second)
		_ = st.SaveSession(ctx, "gone", middleware.NewSession("u", nil, nil, time.Now()), -time.Second)
		// Nothing to assert on timing without sleeping; the calls must simply not fail hard or
		// panic. Stores may keep the entry for a nanosecond.
	})
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

func sameJSON(t testing.TB, a, b any) bool {
	return bytes.Equal(mustJSON(t, a), mustJSON(t, b))
}
