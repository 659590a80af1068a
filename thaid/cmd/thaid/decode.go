package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/thaid-go/thaid-go/thaid"
)

const decodeSynopsis = `thaid decode [-issuer production|sandbox|URL] [-client-id ID] [-show-pid] [-json] TOKEN|-

Prints a JWT's header and claims, with every PID masked (in any form, in values
and names), without verifying anything. With -issuer it also verifies the token as the thaid package
does (signature against the provider's JWKS with an allowed asymmetric algorithm,
iss, exp, nbf and iat; aud too when -client-id is given) and exits 1 when it does
not verify. "-" reads the token from stdin.`

const decodeExamples = `  thaid decode eyJhbGciOiJFUzI1NiIs...
  pbpaste | thaid decode -issuer sandbox -client-id 6b2e... -
`

// decodeJSON is the -json output of thaid decode.
type decodeJSON struct {
	Header   map[string]any `json:"header"`
	Claims   map[string]any `json:"claims"`
	Verified *bool          `json:"verified,omitempty"`
	Error    string         `json:"error,omitempty"`
}

func runDecode(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "decode", decodeSynopsis, decodeExamples)
	issuer := fs.String("issuer", "", issuerUsage+"; verify the token against it")
	clientID := fs.String("client-id", "", "with -issuer, the expected audience (default: the token's own aud, which is then not checked)")
	showPID := fs.Bool("show-pid", false, "print PIDs in full (personal data: masked by default)")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout")
	if st := parseFlags(e, fs, args); st >= 0 {
		return st
	}
	if fs.NArg() != 1 {
		return fail(e, "decode", exitUsage, "give one token, or - to read it from stdin")
	}
	raw := fs.Arg(0)
	if raw == "-" {
		b, err := io.ReadAll(io.LimitReader(e.stdin, maxRecorded))
		if err != nil {
			return fail(e, "decode", exitFail, "reading stdin: %v", err)
		}
		raw = string(b)
	}
	raw = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(raw), "Bearer "))
	t, err := parseJWT(raw)
	if err != nil {
		return fail(e, "decode", exitFail, "%v", err)
	}
	out := decodeJSON{Header: maskClaims(t.header, *showPID), Claims: maskClaims(t.claims, *showPID)}
	var verr error
	if *issuer != "" {
		iss, err := parseIssuer(*issuer)
		if err != nil {
			return fail(e, "decode", exitUsage, "%v", err)
		}
		verr = verifyToken(ctx, iss, *clientID, t, raw)
		ok := verr == nil
		out.Verified = &ok
		if verr != nil {
			out.Error = thaid.MaskPID(verr.Error())
		}
	}
	if *asJSON {
		writeJSON(e.stdout, out)
	} else {
		fmt.Fprintf(e.stdout, "header\n")
		writeJSON(e.stdout, out.Header)
		fmt.Fprintf(e.stdout, "claims\n")
		writeJSON(e.stdout, out.Claims)
		for _, name := range []string{"iat", "nbf", "exp", "auth_time"} {
			if ts, ok := unixClaim(t.claims[name]); ok {
				fmt.Fprintf(e.stdout, "%-9s %s (%s)\n", name, ts.UTC().Format(time.RFC3339), relative(ts))
			}
		}
		if out.Verified != nil && *out.Verified {
			kid, _ := out.Header["kid"].(string) // as the header above shows it: masked unless -show-pid
			fmt.Fprintf(e.stdout, "verified: signature (%s, kid %s), iss, exp, nbf and iat checked against %s\n",
				thaid.MaskPID(t.alg()), cmp.Or(kid, "-"), *issuer)
		}
	}
	if verr != nil {
		return fail(e, "decode", exitFail, "the token does NOT verify: %s", out.Error)
	}
	return exitOK
}

// verifyToken verifies raw with the thaid package's own ID-token verifier. thaid
// has no verifier without a client, so one is built for the token's audience
// (or clientID); its secret and redirect URL are placeholders that are never
// sent anywhere, since only VerifyIDToken is called. The nonce and at_hash are
// not checked: decode knows neither the login nor the access token.
func verifyToken(ctx context.Context, iss issuerFlag, clientID string, t jwt, raw string) error {
	if clientID == "" {
		switch aud := t.claims["aud"].(type) {
		case string:
			clientID = aud
		case []any:
			if len(aud) > 0 {
				clientID, _ = aud[0].(string)
			}
		}
		if clientID == "" {
			return errors.New("the token has no aud; give -client-id")
		}
	}
	hc, _ := newHTTPClient()
	client, err := thaid.New(ctx, thaid.Config{
		ClientID:     clientID,
		ClientSecret: "unused: decode only verifies",
		RedirectURL:  "http://127.0.0.1/unused",
		Provider:     iss.provider,
		HTTPClient:   hc,
	})
	if err != nil {
		return fmt.Errorf("cannot use the provider at %s: %w", iss.provider.Issuer, err)
	}
	_, err = client.VerifyIDToken(ctx, raw, "", "")
	return err
}

// unixClaim reads a time claim of a token that parseJWT decoded (numbers as json.Number).
func unixClaim(v any) (time.Time, bool) {
	n, err := numberClaim(v)
	if err != nil || n <= 0 || n > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(n), 0), true
}

func relative(t time.Time) string {
	d := time.Until(t).Round(time.Second)
	if d < 0 {
		return (-d).String() + " ago"
	}
	return "in " + d.String()
}
