package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// runMainEnv, when set to 1, makes the test binary run main() itself, so that
// a test can read what the real command writes to stderr.
const runMainEnv = "SCHOOLREG_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// testPassword is the password in the connection URLs of the tests below.
const testPassword = "s3cr3t-pass"

// closedAddr returns a loopback address on which nothing listens, so that a
// connection to it fails at once.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestConnectionURLSecretsStayHidden: a malformed, misnamed or unreachable
// REDIS_URL or DATABASE_URL stops the start-up (and the CSV import) with an
// error that names the variable, and neither the error nor anything the
// command writes to stdout or stderr contains the URL's password.
func TestConnectionURLSecretsStayHidden(t *testing.T) {
	const pw = testPassword
	closed := closedAddr(t)
	for _, tc := range []struct {
		name  string
		env   map[string]string
		args  []string
		is    error  // the error wraps it, when set
		want  string // the error contains it
		child bool   // also run the real command in a child process and read its stderr
	}{
		{name: "redis port not a number", env: map[string]string{"REDIS_URL": "redis://user:" + pw + "@127.0.0.1:notaport/0"},
			is: errConfig, want: "REDIS_URL is not a valid URL", child: true},
		{name: "redis bad escape in password", env: map[string]string{"REDIS_URL": "redis://user:" + pw + "%zz@127.0.0.1:6379/0"},
			is: errConfig, want: "REDIS_URL is not a valid URL"},
		{name: "redis address without scheme", env: map[string]string{"REDIS_URL": "user:" + pw + "@127.0.0.1:6379"},
			is: errConfig, want: "REDIS_URL is not a valid URL"},
		{name: "redis wrong scheme", env: map[string]string{"REDIS_URL": "http://user:" + pw + "@127.0.0.1:6379/0"},
			is: errConfig, want: "REDIS_URL: invalid URL (http://user:xxxxx@127.0.0.1:6379/0)"},
		{name: "redis bad database", env: map[string]string{"REDIS_URL": "redis://user:" + pw + "@127.0.0.1:6379/x"},
			is: errConfig, want: "REDIS_URL: invalid URL (redis://user:xxxxx@127.0.0.1:6379/x)"},
		{name: "redis bad option", env: map[string]string{"REDIS_URL": "redis://:" + pw + "@127.0.0.1:6379/0?dial_timeout=soon"},
			is: errConfig, want: "REDIS_URL: invalid URL (redis://:xxxxx@127.0.0.1:6379/0?dial_timeout=soon)"},
		{name: "redis unreachable", env: map[string]string{"REDIS_URL": "redis://user:" + pw + "@" + closed + "/0", "THAID_COOKIE_KEYS": "a cookie key of thirty-two bytes or more"},
			want: "REDIS_URL redis://user:xxxxx@" + closed + "/0", child: true},

		{name: "postgres port not a number", env: map[string]string{"DATABASE_URL": "postgres://user:" + pw + "@127.0.0.1:notaport/db"},
			is: store.ErrBadURL, want: "DATABASE_URL: not a valid URL", child: true},
		{name: "postgres without slashes", env: map[string]string{"DATABASE_URL": "postgres:user:" + pw + "@127.0.0.1/db"},
			is: store.ErrBadURL, want: "DATABASE_URL: not a valid URL"},
		{name: "database wrong scheme", env: map[string]string{"DATABASE_URL": "mysql://user:" + pw + "@127.0.0.1:3306/db"},
			is: store.ErrBadURL, want: `mysql://user:xxxxx@127.0.0.1:3306/db: unsupported scheme "mysql"`},
		{name: "database wrong scheme, malformed", env: map[string]string{"DATABASE_URL": "postgress://user:" + pw + "@127.0.0.1:x/db"},
			is: store.ErrBadURL, want: `unsupported scheme "postgress"`},
		{name: "postgres bad option", env: map[string]string{"DATABASE_URL": "postgres://user:" + pw + "@127.0.0.1:5432/db?sslmode=bogus"},
			is: store.ErrBadURL, want: "postgres://user:xxxxx@127.0.0.1:5432/db?sslmode=bogus"},
		{name: "postgres password in the query", env: map[string]string{"DATABASE_URL": "postgres://user@127.0.0.1:5432/db?password=" + pw + "&sslmode=bogus"},
			is: store.ErrBadURL, want: "postgres://user@127.0.0.1:5432/db?password=xxxxx&sslmode=bogus"},
		{name: "postgres unreachable", env: map[string]string{"DATABASE_URL": "postgres://user:" + pw + "@" + closed + "/db"},
			want: "DATABASE_URL postgres://user:xxxxx@" + closed + "/db", child: true},
		{name: "postgres unreachable, upper-case scheme", env: map[string]string{"DATABASE_URL": "POSTGRESQL://user:" + pw + "@" + closed + "/db"},
			want: "DATABASE_URL postgresql://user:xxxxx@" + closed + "/db"},
		{name: "postgres unreachable, import", env: map[string]string{"DATABASE_URL": "postgres://user:" + pw + "@" + closed + "/db"},
			args: []string{"-import-areas", "areas.csv"}, want: "DATABASE_URL postgres://user:xxxxx@" + closed + "/db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": filepath.Join(t.TempDir(), "app.db")}
			for k, v := range tc.env {
				env[k] = v
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var out syncBuffer
			err := run(ctx, tc.args, func(k string) string { return env[k] }, &out, &out)
			if err == nil {
				t.Fatal("run started")
			}
			if strings.Contains(err.Error(), pw) || strings.Contains(out.String(), pw) {
				t.Errorf("the password shows:\nerror: %v\nstdout: %s", err, out.String())
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %v", err, tc.is)
			}
			if !tc.child {
				return
			}
			cmd := exec.CommandContext(ctx, os.Args[0])
			cmd.Env = []string{runMainEnv + "=1", "TMPDIR=" + t.TempDir()}
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			output, err := cmd.CombinedOutput()
			if exit, ok := errors.AsType[*exec.ExitError](err); !ok || exit.ExitCode() != 1 {
				t.Fatalf("command: %v, want exit status 1\n%s", err, output)
			}
			if strings.Contains(string(output), pw) {
				t.Errorf("the command's stdout or stderr shows the password:\n%s", output)
			}
			if !strings.Contains(string(output), tc.want) {
				t.Errorf("the command's output lacks %q:\n%s", tc.want, output)
			}
		})
	}
}
