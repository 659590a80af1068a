package storetest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// RunLogoutDuringRefresh checks that a logout also ends what a refresh running at the same moment
// on another instance produced. Instance A refreshes a session's expired tokens while instance B
// logs the session out: B reads the session before A writes the refreshed record, and deletes it
// after. Afterwards the session must be gone, the logout must have revoked the refreshed tokens
// (which it never read), and neither the old nor the refreshed access token may be active at the
// provider.
func RunLogoutDuringRefresh(t *testing.T, st middleware.Store) {
	held := &holdSessionDelete{arrived: make(chan struct{}), release: make(chan struct{})}
	h := startApp(t, st, 2, appOptions{
		mock: mockprovider.Options{AccessTokenTTL: 5 * time.Minute, RefreshTokenTTL: 24 * time.Hour},
		store: func(i int, st middleware.Store) middleware.Store {
			if i == 1 {
				held.Store = st
				return held
			}
			return st
		},
	})
	_, cookie := h.signIn(t)
	send := func(method, path string, instance int) (int, string) {
		return h.send(t, cookie, method, path, instance)
	}
	_, oldToken := send("GET", "/token", 0)

	h.clock.Advance(6 * time.Minute) // past the 5-minute access token
	atProvider, releaseProvider := make(chan struct{}), make(chan struct{})
	h.mu.Lock()
	h.gate = func() { close(atProvider); <-releaseProvider }
	h.mu.Unlock()
	var refreshStatus, logoutStatus int
	var newToken string
	refreshed, loggedOut := make(chan struct{}), make(chan struct{})
	go func() { // instance A refreshes
		defer close(refreshed)
		refreshStatus, newToken = send("GET", "/token", 0)
	}()
	<-atProvider // A has read the session and waits for the provider's answer
	h.mu.Lock()
	h.gate = nil
	h.mu.Unlock()
	go func() { // instance B logs out
		defer close(loggedOut)
		logoutStatus, _ = send("POST", "/logout", 1)
	}()
	<-held.arrived         // B has read the session and is about to delete it
	close(releaseProvider) // A writes the refreshed record
	<-refreshed
	close(held.release) // B deletes
	<-loggedOut
	if refreshStatus != http.StatusOK || newToken == "" || newToken == oldToken {
		t.Fatalf("the refresh on instance A: %d %q", refreshStatus, newToken)
	}
	if logoutStatus != http.StatusSeeOther {
		t.Fatalf("the logout on instance B: status %d", logoutStatus)
	}
	for i := range 2 {
		if status, _ := send("GET", "/private/again", i); status != http.StatusSeeOther {
			t.Errorf("instance %d still lets the logged-out session in: status %d", i, status)
		}
	}
	h.mu.Lock()
	revoked := strings.Join(h.revoked, " ")
	h.mu.Unlock()
	if !strings.Contains(revoked, newToken) {
		t.Errorf("the logout did not revoke the access token that the refresh produced meanwhile")
	}
	ctx := context.Background()
	for what, tok := range map[string]string{"refreshed": newToken, "old": oldToken} {
		if in, err := h.client.Introspect(ctx, tok); err != nil || in.Active {
			t.Errorf("after the logout the %s access token is still active at the provider: %+v, %v", what, in, err)
		}
	}
}

// holdSessionDelete is a view of a store that holds the first deletion of a session record
// (Delete or CompareAndDelete of a key starting "s:") until release is closed, after telling
// arrived.
type holdSessionDelete struct {
	middleware.Store
	once             sync.Once
	arrived, release chan struct{}
}

func (s *holdSessionDelete) hold(key string) {
	if strings.HasPrefix(key, "s:") {
		s.once.Do(func() {
			close(s.arrived)
			<-s.release
		})
	}
}

func (s *holdSessionDelete) Delete(ctx context.Context, key string) error {
	s.hold(key)
	return s.Store.Delete(ctx, key)
}

func (s *holdSessionDelete) CompareAndDelete(ctx context.Context, key string, old []byte) (bool, error) {
	s.hold(key)
	return s.Store.CompareAndDelete(ctx, key, old)
}
