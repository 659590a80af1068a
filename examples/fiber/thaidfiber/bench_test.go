package thaidfiber_test

import (
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/thaid-go/thaid-go/examples/fiber/thaidfiber"
	"github.com/thaid-go/thaid-go/middleware"
)

// BenchmarkRequire measures what a protected Fiber route costs through the adaptor: Fiber's
// handler for a signed-in GET, called directly (no network), bare ("bare") and behind Require
// with a handler that reads the identity ("require"), with the session of a real login at the
// mock in the memory store. "nethttp" is the same session through auth.Require in plain
// net/http, for comparison: require - nethttp - bare is what the conversion costs.
func BenchmarkRequire(b *testing.B) {
	base, auth, _, app := start(b, func(app *fiber.App, auth *middleware.Auth) {
		app.Get("/bare", func(c *fiber.Ctx) error { return c.SendString("ok") })
		app.Get("/private", thaidfiber.Require(auth), func(c *fiber.Ctx) error {
			if _, ok := thaidfiber.Identity(c); !ok {
				return fiber.ErrInternalServerError
			}
			return c.SendString("ok")
		})
	})
	jar, err := cookiejar.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	resp, err := (&http.Client{Jar: jar}).Get(base + "/private") // logs in at the mock
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	cookies := jar.Cookies(u)
	if resp.StatusCode != http.StatusOK || len(cookies) == 0 {
		b.Fatalf("login: %d, cookies %v", resp.StatusCode, cookies)
	}
	handler := app.Handler()
	for _, path := range []string{"/bare", "/private"} {
		name := map[string]string{"/bare": "bare", "/private": "require"}[path]
		b.Run(name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			var req fasthttp.Request
			req.SetRequestURI(path)
			req.Header.SetHost(u.Host)
			for _, c := range cookies {
				req.Header.SetCookie(c.Name, c.Value)
			}
			ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1234}, nil)
			b.ReportAllocs()
			for b.Loop() {
				ctx.Response.Reset()
				ctx.ResetUserValues()
				handler(&ctx)
				if ctx.Response.StatusCode() != http.StatusOK {
					b.Fatalf("%s: %d %s", path, ctx.Response.StatusCode(), ctx.Response.Body())
				}
			}
		})
	}

	b.Run("nethttp", func(b *testing.B) {
		h := auth.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := middleware.IdentityFrom(r.Context()); !ok {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			_, _ = w.Write([]byte("ok"))
		}))
		r := httptest.NewRequest(http.MethodGet, base+"/private", nil)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		w := &discardWriter{h: http.Header{}}
		b.ReportAllocs()
		for b.Loop() {
			w.status = 0
			h.ServeHTTP(w, r)
			if w.status != 0 && w.status != http.StatusOK {
				b.Fatalf("nethttp: %d", w.status)
			}
		}
	})
}

// discardWriter is an http.ResponseWriter that keeps only the status.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
