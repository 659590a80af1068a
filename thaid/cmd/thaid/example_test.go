package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/mockprovider"
)

// The command's first use: one login with a client's credentials reports whether they work,
// what the provider sends, and the thaid.Config that fits. Here the provider is an in-process
// mock ThaID that approves at once, and an HTTP client plays the browser that opens the
// printed URL; with DOPA's sandbox, that is you with the ThaID app:
//
//	THAID_CLIENT_SECRET=... thaid login -issuer sandbox -client-id ID -redirect-url http://127.0.0.1:8080/callback
func Example() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	provider, err := mockprovider.New(mockprovider.Options{Issuer: "http://" + ln.Addr().String(), AutoApprove: true,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	op := &httptest.Server{Listener: ln, Config: &http.Server{Handler: provider}}
	op.Start()
	defer op.Close()
	// The redirect URL: a loopback port, free a moment ago, where the command waits.
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	redirect := "http://" + free.Addr().String() + "/callback"
	free.Close()

	// The command prints "open: <url>" on standard error; the browser opens that URL.
	stderr := &openWatcher{ch: make(chan string, 1)}
	var stdout bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(context.Background(), []string{"login", "-issuer", provider.Issuer(),
			"-client-id", mockprovider.DemoClientID, "-client-secret", mockprovider.DemoClientSecret,
			"-redirect-url", redirect, "-no-browser", "-timeout", "30s"}, strings.NewReader(""), &stdout, stderr)
	}()
	select {
	case u := <-stderr.ch:
		browser := &http.Client{Timeout: 10 * time.Second}
		resp, err := browser.Get(u) // to the mock, which approves, and back to the command
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	case code := <-done:
		log.Fatalf("thaid login ended with status %d before printing the URL", code)
	}
	fmt.Println("exit status", <-done)
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.HasPrefix(line, "Login verified") || strings.HasPrefix(line, "  pid ") || strings.HasPrefix(line, "  sub is the PID") {
			fmt.Println(line)
		}
	}
	// Output:
	// exit status 0
	// Login verified: the claims come from an ID token whose signature, issuer, audience, expiry and nonce checked out.
	//   pid                          1-5099-xxxxx-82-8 (masked; -show-pid prints it in full)
	//   sub is the PID               yes: sub equals the pid claim, so sub is personal data (masked here)
}

// Citizen IDs: check (with the reason of an invalid one, in Thai and English), mask, generate.
func Example_pid() {
	run(context.Background(), []string{"pid", "check", "1101700230708", "1101700230709"}, nil, os.Stdout, os.Stdout)
	run(context.Background(), []string{"pid", "mask", "1101700230708"}, nil, os.Stdout, os.Stdout)
	// Output:
	// valid    1-1017-xxxxx-70-8 (Thai national born from 1984, registered on time)
	// invalid  1-1017-xxxxx-70-9: หลักตรวจสอบ (หลักที่ 13) ไม่ถูกต้อง / the check digit (13th digit) is wrong
	// 1-1017-xxxxx-70-8
}
