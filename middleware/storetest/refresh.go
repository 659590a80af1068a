package storetest

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/mockprovider"
)

// RunOneRefresh checks that the instances of an application sharing st refresh a session once:
// two instances behind a round-robin load balancer, a login, then rounds of 20 concurrent
// requests of that session whose access token is due for a refresh: expired (twice), then with
// 4 of its 15 minutes left (AccessToken refreshes ahead of expiry). In each round the provider
// (which rotates refresh tokens) must see exactly one refresh grant; every request must get the
// same new access token, which the provider must call active; and each later refresh must
// succeed, which it only does if the store kept the newest refresh token.
func RunOneRefresh(t *testing.T, st middleware.Store) {
	h := startApp(t, st, 2, appOptions{})
	b, cookie := h.signIn(t)
	_, first := b.get(t, h.url("/token"))

	for round, wait := range []time.Duration{
		16 * time.Minute, // past the 15-minute access token
		16 * time.Minute,
		11 * time.Minute, // 4 minutes left: a refresh ahead of expiry
	} {
		round++
		h.clock.Advance(wait)
		h.mock.ResetRequests()
		const n = 20
		var wg sync.WaitGroup
		tokens := make([]string, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				status, body := h.send(t, cookie, http.MethodGet, "/token", -1)
				if status != http.StatusOK {
					t.Errorf("round %d, request %d: status %d %q", round, i, status, body)
					return
				}
				tokens[i] = body
			}()
		}
		close(start)
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		grants := 0
		for _, r := range h.mock.RequestsTo(mockprovider.EndpointToken) {
			if r.GrantType == "refresh_token" {
				grants++
			}
		}
		if grants != 1 {
			t.Errorf("round %d: the provider saw %d refresh grants for one session, want exactly 1", round, grants)
		}
		for i, tok := range tokens {
			if tok != tokens[0] {
				t.Errorf("round %d: request %d got another access token than request 0", round, i)
			}
		}
		if tokens[0] == first {
			t.Fatalf("round %d: the access token was not refreshed", round)
		}
		in, err := h.client.Introspect(context.Background(), tokens[0])
		if err != nil || !in.Active {
			t.Errorf("round %d: the provider says the new access token is not active: %+v, %v", round, in, err)
		}
		first = tokens[0]
	}
}
