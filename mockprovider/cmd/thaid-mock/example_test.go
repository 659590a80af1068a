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
	var banner bytes.Buffer
	issuer := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-auto-approve", "-redirect-uri", "http://127.0.0.1:8080/callback"},
			&banner, io.Discard, func(iss string) { issuer <- iss })
	}()
	var iss string
	select {
	case iss = <-issuer:
	case err := <-done:
		log.Fatal(err)
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
	fmt.Println("stopped:", <-done)
	for _, line := range strings.Split(banner.String(), "\n") {
		for _, field := range []string{"client_id", "redirect URI", "mode", "sub", "1-5099-xxxxx-82-8"} {
			if strings.HasPrefix(strings.TrimSpace(line), field+" ") {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// true /api/v2/oauth2/auth/
	// stopped: <nil>
	//   client_id      thaid-demo
	//   redirect URI   http://127.0.0.1:8080/callback
	//   mode           auto-approve: as the citizen in login_hint, else the first one
	//   sub            pid
	//     1-5099-xxxxx-82-8  password 24681357  นาย ธนวัฒน์ สุขสวัสดิ์ (Mr. Thanawat Suksawat)
}
