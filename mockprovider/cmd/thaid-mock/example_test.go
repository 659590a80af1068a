package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
)

// thaid-mock serves a mock ThaID on a port, for demos and for other projects' browser tests. Here
// it starts on a free port in auto-approve mode with one registered redirect URI, as a test
// suite would start it:
//
//	thaid-mock -addr 127.0.0.1:0 -auto-approve -redirect-uri http://127.0.0.1:8080/callback
//
// and a client reads its discovery document. Interrupting it (the context here, Ctrl-C or
// SIGTERM in a terminal) shuts it down.
func Example() {
	ctx, stop := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	banner := &issuerLine{issuer: ready}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-auto-approve", "-redirect-uri", "http://127.0.0.1:8080/callback"},
			strings.NewReader(""), banner, io.Discard)
	}()
	var iss string
	select {
	case iss = <-ready: // the port is bound once the banner is printed
	case code := <-done:
		log.Fatalf("thaid-mock ended with status %d", code)
	}

	resp, err := http.Get(iss + "/.well-known/openid-configuration")
	if err != nil {
		log.Fatal(err)
	}
	var discovery struct {
		Issuer                string `json:"issuer"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
	}
	err = json.NewDecoder(resp.Body).Decode(&discovery)
	resp.Body.Close()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(discovery.Issuer == iss, strings.TrimPrefix(discovery.AuthorizationEndpoint, iss))

	stop()
	fmt.Println("exit status", <-done)
	for _, line := range strings.Split(banner.String(), "\n") {
		for _, field := range []string{"client_id", "redirect URI", "mode", "sub", "1-5099-xxxxx-82-8"} {
			if strings.HasPrefix(strings.TrimSpace(line), field+" ") {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// true /api/v2/oauth2/auth/
	// exit status 0
	//   client_id      thaid-demo
	//   redirect URI   http://127.0.0.1:8080/callback
	//   mode           auto-approve: as the citizen in login_hint, else the first one
	//   sub            pid
	//     1-5099-xxxxx-82-8  password 24681357  นาย ธนวัฒน์ สุขสวัสดิ์ (Mr. Thanawat Suksawat)
}

// issuerLine is the command's standard output: it keeps the banner, and hands over the issuer
// once the banner's "  issuer  URL" line is written.
type issuerLine struct {
	mu     sync.Mutex
	b      bytes.Buffer
	issuer chan string
}

func (w *issuerLine) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if w.issuer != nil {
		for _, line := range strings.Split(w.b.String(), "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "issuer" {
				w.issuer <- f[1]
				w.issuer = nil
				break
			}
		}
	}
	return len(p), nil
}

func (w *issuerLine) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
