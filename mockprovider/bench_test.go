package mockprovider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const benchVerifier = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"

// issueCodes pre-issues n authorization codes (openid pid name, PKCE S256, nonce).
func issueCodes(tb testing.TB, p *Server, n int) []string {
	tb.Helper()
	sum := sha256.Sum256([]byte(benchVerifier))
	req := authRequest{client: p.clients[DemoClientID], redirectURI: "https://rp.example/cb", state: "s",
		nonce: "n", challenge: b64.EncodeToString(sum[:]), challengeMethod: "S256", scopes: []string{"openid", "pid", "name"}}
	codes := make([]string, n)
	for i := range codes {
		u, err := url.Parse(p.approveRequest(req, &p.people[0]))
		if err != nil {
			tb.Fatal(err)
		}
		codes[i] = u.Query().Get("code")
	}
	return codes
}

// redeemInProcess serves the token request that redeems code (Basic client authentication, the
// PKCE verifier of issueCodes) through ServeHTTP.
func redeemInProcess(p *Server, code string) *httptest.ResponseRecorder {
	body := "grant_type=authorization_code&redirect_uri=https%3A%2F%2Frp.example%2Fcb&code_verifier=" + benchVerifier + "&code=" + url.QueryEscape(code)
	r := httptest.NewRequest(http.MethodPost, PathToken, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth(DemoClientID, DemoClientSecret)
	w := httptest.NewRecorder()
	p.ServeHTTP(w, r)
	return w
}

// BenchmarkTokenEndpoint measures the token endpoint (authorization_code grant, Basic client
// authentication, PKCE check, ES256 ID token) called through ServeHTTP, in parallel.
//
//	go test -run '^$' -bench BenchmarkTokenEndpoint -benchtime 3s ./mockprovider/
func BenchmarkTokenEndpoint(b *testing.B) {
	for _, alg := range []string{"ES256", "RS256"} {
		b.Run(alg, func(b *testing.B) {
			p, err := New(Options{Issuer: "http://mock.test", Alg: alg})
			if err != nil {
				b.Fatal(err)
			}
			codes := issueCodes(b, p, b.N)
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					w := redeemInProcess(p, codes[next.Add(1)-1])
					if w.Code != http.StatusOK {
						b.Errorf("status %d: %s", w.Code, w.Body)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkTokenEndpointHTTP measures the same token requests (ES256) over loopback HTTP with
// keep-alive, from 16 concurrent clients: the provider as a relying party sees it, net/http
// included.
//
//	go test -run '^$' -bench BenchmarkTokenEndpointHTTP -benchtime 3s ./mockprovider/
func BenchmarkTokenEndpointHTTP(b *testing.B) {
	p := Start(b, Options{Alg: "ES256"})
	codes := issueCodes(b, p, b.N)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	b.SetParallelism(8) // 8 × GOMAXPROCS goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			code := codes[next.Add(1)-1]
			body := "grant_type=authorization_code&redirect_uri=https%3A%2F%2Frp.example%2Fcb&code_verifier=" + benchVerifier + "&code=" + url.QueryEscape(code)
			req, err := http.NewRequest(http.MethodPost, p.Issuer()+PathToken, strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(DemoClientID, DemoClientSecret)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// TestTokenEndpointConcurrent exercises the token endpoint from many goroutines under -race.
func TestTokenEndpointConcurrent(t *testing.T) {
	p, err := New(Options{Issuer: "http://mock.test"})
	if err != nil {
		t.Fatal(err)
	}
	codes := issueCodes(t, p, 200)
	var ok atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < len(codes); i += 8 {
				if redeemInProcess(p, codes[i]).Code == http.StatusOK {
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if ok.Load() != int64(len(codes)) {
		t.Fatalf("%d of %d succeeded", ok.Load(), len(codes))
	}
	if n := len(p.RequestsTo(EndpointToken)); n != len(codes) {
		t.Fatalf("%d records", n)
	}
}

func TestMaskingHandler(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(maskingHandler{slog.NewJSONHandler(&buf, nil)})
	l = l.With("who", "1101700230708")
	l.WithGroup("g").Info("login 3409901127549", "pid", "1112034563562", slog.Group("inner", "x", "1-1017-00230-70-8"), "n", 42)
	l.InfoContext(context.Background(), "any", "v", struct{ P string }{"1101700230708"})
	out := buf.String()
	for _, full := range []string{"1101700230708", "3409901127549", "1112034563562", "00230"} {
		if strings.Contains(out, full) {
			t.Fatalf("unmasked %s in %s", full, out)
		}
	}
	if !strings.Contains(out, "3-4099-xxxxx-54-9") || !strings.Contains(out, `"n":42`) {
		t.Fatalf("unexpected: %s", out)
	}
}
