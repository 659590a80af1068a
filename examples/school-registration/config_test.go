package main

import (
	"errors"
	"strings"
	"testing"
)

// TestMockStaysOnLoopback: the embedded mock (THAID_ISSUER unset) lets
// anybody who reaches it log in as any demo citizen, so the app refuses to
// start it when ADDR, BASE_URL's host or THAID_REDIRECT_URL's host is not
// loopback, unless DEMO_ALLOW_REMOTE=1; and then it makes no demo admins
// (remoteDemo). Host names are judged as written: only "localhost" and
// loopback IP literals count. With THAID_ISSUER set none of this applies.
func TestMockStaysOnLoopback(t *testing.T) {
	const (
		public   = "https://school.example.go.th"
		allow    = "DEMO_ALLOW_REMOTE"
		issuer   = "THAID_ISSUER"
		redirect = "THAID_REDIRECT_URL"
	)
	withIssuer := map[string]string{issuer: "sandbox", "THAID_CLIENT_ID": "client"}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string // "" = no error; else a text the error contains
		remote  bool   // want config.remoteDemo
	}{
		{name: "defaults", env: nil},
		{name: "ADDR localhost", env: map[string]string{"ADDR": "localhost:8080"}},
		{name: "ADDR ::1", env: map[string]string{"ADDR": "[::1]:8080"}},
		{name: "ADDR all interfaces", env: map[string]string{"ADDR": ":8080"}, wantErr: `ADDR ":8080" is not loopback`},
		{name: "ADDR LAN", env: map[string]string{"ADDR": "192.0.2.10:8080"}, wantErr: `ADDR "192.0.2.10:8080"`},
		{name: "ADDR all interfaces, allowed", env: map[string]string{"ADDR": "0.0.0.0:8080", allow: "1"}, remote: true},

		{name: "BASE_URL 127.0.0.1", env: map[string]string{"BASE_URL": "http://127.0.0.1:8080"}},
		{name: "BASE_URL 127.0.0.2", env: map[string]string{"BASE_URL": "http://127.0.0.2:8080"}},
		{name: "BASE_URL localhost", env: map[string]string{"BASE_URL": "http://localhost:8080"}},
		{name: "BASE_URL LOCALHOST", env: map[string]string{"BASE_URL": "http://LOCALHOST:8080"}},
		{name: "BASE_URL ::1", env: map[string]string{"BASE_URL": "http://[::1]:8080"}},
		// The reported case: behind a reverse proxy, THAID_ISSUER forgotten.
		{name: "BASE_URL public behind a proxy", env: map[string]string{"ADDR": "127.0.0.1:8080", "BASE_URL": public},
			wantErr: `BASE_URL's host "school.example.go.th" is not loopback`},
		{name: "BASE_URL public, allowed", env: map[string]string{"BASE_URL": public, allow: "1"}, remote: true},
		{name: "BASE_URL public, allowed with another value", env: map[string]string{"BASE_URL": public, allow: "yes"},
			wantErr: "BASE_URL's host"},
		{name: "BASE_URL name resolving to loopback", env: map[string]string{"BASE_URL": "http://127.0.0.1.nip.io:8080"},
			wantErr: `BASE_URL's host "127.0.0.1.nip.io"`},
		{name: "BASE_URL subdomain of localhost", env: map[string]string{"BASE_URL": "http://school.localhost:8080"},
			wantErr: "BASE_URL's host"},
		{name: "BASE_URL LAN", env: map[string]string{"BASE_URL": "http://192.168.1.20:8080"}, wantErr: "BASE_URL's host"},
		{name: "BASE_URL unspecified address", env: map[string]string{"BASE_URL": "http://0.0.0.0:8080"}, wantErr: "BASE_URL's host"},
		{name: "BASE_URL and ADDR public", env: map[string]string{"ADDR": "0.0.0.0:8080", "BASE_URL": public},
			wantErr: `ADDR "0.0.0.0:8080" is not loopback and BASE_URL's host`},

		{name: "redirect loopback", env: map[string]string{"BASE_URL": "http://127.0.0.1:8080", redirect: "http://127.0.0.1:9090/callback"}},
		{name: "redirect public", env: map[string]string{redirect: public + "/callback"},
			wantErr: `THAID_REDIRECT_URL's host "school.example.go.th" is not loopback`},
		{name: "redirect public, BASE_URL loopback", env: map[string]string{"BASE_URL": "http://localhost:8080", redirect: public + "/callback"},
			wantErr: "THAID_REDIRECT_URL's host"},
		{name: "redirect public, allowed", env: map[string]string{redirect: public + "/callback", allow: "1"}, remote: true},
		// Allowed, the app serves requests from anywhere (a proxy's too): no demo admins.
		{name: "all loopback, allowed", env: map[string]string{"BASE_URL": "http://127.0.0.1:8080", allow: "1"}, remote: true},

		{name: "issuer set, all public", env: merge(withIssuer, map[string]string{"ADDR": "0.0.0.0:8080", "BASE_URL": public, redirect: public + "/callback"})},
		{name: "issuer set, public and allowed", env: merge(withIssuer, map[string]string{"BASE_URL": public, allow: "1"})},
		{name: "issuer set, loopback", env: merge(withIssuer, map[string]string{"BASE_URL": "http://127.0.0.1:8080"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := configFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				if cfg.remoteDemo != tc.remote {
					t.Errorf("remoteDemo = %t, want %t", cfg.remoteDemo, tc.remote)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one with %q", tc.wantErr)
			}
			if !errors.Is(err, errConfig) || !strings.Contains(err.Error(), tc.wantErr) ||
				!strings.Contains(err.Error(), "DEMO_ALLOW_REMOTE=1") || !strings.Contains(err.Error(), "no demo area admins") {
				t.Errorf("error %q: want errConfig with %q, naming DEMO_ALLOW_REMOTE=1 and that it makes no demo admins", err, tc.wantErr)
			}
		})
	}
}

// merge returns the union of maps, later ones winning.
func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
