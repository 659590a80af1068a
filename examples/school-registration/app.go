package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/mockprovider"
	"github.com/thaid-go/thaid-go/thaid"
)

// mockPrefix is where the embedded mock ThaID is mounted.
const mockPrefix = "/mock-thaid"

// shutdownTimeout bounds how long a shutdown waits for the requests in
// flight (after the drain, SHUTDOWN_DRAIN_SECONDS).
const shutdownTimeout = 10 * time.Second

// serve runs the server until ctx is cancelled, then shuts it down
// gracefully. The request log goes to stderr, the start-up banner to stdout.
// ready, when set, is called with the base URL once the app answers (tests).
func serve(ctx context.Context, cfg config, stdout, stderr io.Writer, ready func(baseURL string)) error {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if seeded, err := st.SeedSampleIfEmpty(ctx); err != nil {
		return err
	} else if seeded {
		log.Info("seeded sample areas and schools")
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	if cfg.RedirectURL == "" {
		cfg.RedirectURL = cfg.BaseURL + "/callback"
	}
	if err := checkRedirectOrigin(cfg.BaseURL, cfg.RedirectURL); err != nil {
		return err
	}

	top := http.NewServeMux()
	provider := cfg.provider()
	var mock *mockprovider.Server
	if cfg.mockMode() {
		if mock, err = embeddedMock(&cfg, log); err != nil {
			return err
		}
		top.Handle(mockPrefix+"/", http.StripPrefix(mockPrefix, mock))
		provider = mockEndpoints(mock)
	}
	if err := setAdmins(ctx, st, cfg.Admins); err != nil {
		return err
	}
	if len(cfg.Admins) == 0 {
		log.Warn("no area admin is configured (ADMIN_PIDS is unset or empty): nobody can approve registrations")
	}

	app, closeDeps, err := newApplication(ctx, cfg, provider, log, st)
	if err != nil {
		return err
	}
	defer closeDeps()
	top.Handle("/", NewServer(app, cfg.BaseURL))
	var handler http.Handler = top
	if cfg.mockMode() && !cfg.remoteDemo {
		// A reverse proxy in front of a loopback ADDR would publish the mock.
		handler = demoGuard(app.views, log, top)
	}

	// Background work: the outbox worker and the audit retention purge. They
	// stop after the HTTP server, so that a request in flight can still queue
	// mail, and a send in progress is finished.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var work sync.WaitGroup
	defer func() { stopWork(); work.Wait() }()
	if app.outbox != nil {
		work.Add(1)
		go app.outbox.run(workCtx, &work)
	}
	if cfg.AuditRetention > 0 {
		work.Add(1)
		go purgeAudit(workCtx, &work, st, cfg.AuditRetention, log)
	}

	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	printBanner(ctx, stdout, cfg, mock, st)
	if ready != nil {
		ready(cfg.BaseURL)
	}

	select {
	case <-ctx.Done():
		if cfg.ShutdownDrain > 0 {
			// Behind a load balancer: be taken out by its health check (/readyz) before the
			// connections close, so that no request is sent on one as it closes.
			app.draining.Store(true)
			log.Info("draining: /readyz answers 503 while requests are still served", "for", cfg.ShutdownDrain)
			drained := time.NewTimer(cfg.ShutdownDrain)
			select {
			case <-drained.C:
			case err := <-serveErr:
				drained.Stop()
				return err
			}
		}
		log.Info("shutting down: finishing requests in flight and mail being sent")
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		err := srv.Shutdown(sctx)
		stopWork()
		work.Wait()
		log.Info("shut down")
		return err
	case err := <-serveErr:
		return err
	}
}

// purgeAudit removes audit records older than retention at start and then
// daily (purgeExpired).
func purgeAudit(ctx context.Context, wg *sync.WaitGroup, st *store.Store, retention time.Duration, log *slog.Logger) {
	defer wg.Done()
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		if n, err := purgeExpired(ctx, st, retention); err != nil {
			log.Error("audit purge", "err", err)
		} else if n > 0 {
			log.Info("audit purge", "removed", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeExpired removes the audit records older than retention, leaving a
// note in the trail, and returns how many it removed. Their age is judged by
// the database's clock, as the database's own checks judge it: a host clock
// ahead of the database's would otherwise have every purge at the minimum
// retention refused.
func purgeExpired(ctx context.Context, st *store.Store, retention time.Duration) (int64, error) {
	now, err := st.DatabaseNow(ctx)
	if err != nil {
		return 0, err
	}
	return st.PurgeAudit(ctx, now.Add(-retention))
}

// embeddedMock makes the mock ThaID served under mockPrefix, with a client
// for this app and, on loopback without ADMIN_PIDS, two demo area admins.
func embeddedMock(cfg *config, log *slog.Logger) (*mockprovider.Server, error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	cfg.ClientID, cfg.ClientSecret = "school-registration", thaid.Secret(hex.EncodeToString(b[:]))
	mock, err := mockprovider.New(mockprovider.Options{
		Issuer: cfg.BaseURL + mockPrefix,
		Clients: []mockprovider.RelyingParty{{ID: cfg.ClientID, Secret: cfg.ClientSecret.Reveal(),
			RedirectURIs: []string{cfg.RedirectURL}, Name: "School website registration (EMIS demo)"}},
		Logger: log.With("component", "mock-thaid"),
	})
	if err != nil {
		return nil, fmt.Errorf("mock provider: %w", err)
	}
	switch {
	case cfg.remoteDemo:
		// Anybody who reaches the mock can log in as any demo citizen.
		log.Warn("the embedded mock ThaID may be reached beyond loopback (DEMO_ALLOW_REMOTE=1): " +
			"anybody who reaches it can log in as any demo citizen; no demo area admins are made, only ADMIN_PIDS makes admins")
	case !cfg.adminsSet:
		cfg.Admins = demoAdmins(mock.Citizens())
	}
	return mock, nil
}

// mockEndpoints lists the embedded mock's endpoints, so that the ThaID client
// needs no discovery (which would have to reach this very server).
func mockEndpoints(mock *mockprovider.Server) thaid.Provider {
	return thaid.Provider{
		Issuer:        mock.Issuer(),
		AuthURL:       mock.URL(mockprovider.PathAuthorize),
		TokenURL:      mock.URL(mockprovider.PathToken),
		IntrospectURL: mock.URL(mockprovider.PathIntrospect),
		RevokeURL:     mock.URL(mockprovider.PathRevoke),
		JWKSURL:       mock.URL(mockprovider.PathJWKS),
		UserInfoURL:   mock.URL(mockprovider.PathUserInfo),
	}
}

// setAdmins makes the stored super-admins and area admins of the
// configuration exactly the configured ones, so that an admin removed from
// ADMIN_PIDS, or a demo admin of an earlier run with the embedded mock, loses
// their rights at start-up. Admins assigned in the app by a super-admin, and
// super-admins added with -add-super-admin, are kept. Every change is written
// to the audit trail. Errors name an admin by masked PID only.
func setAdmins(ctx context.Context, st *store.Store, admins []adminAssignment) error {
	list := make([]store.AreaAdmin, 0, len(admins))
	var index []int // of each list entry in admins
	var supers []string
	for i, a := range admins {
		if a.AreaCode == superAdminArea {
			supers = append(supers, a.PID.Digits())
			continue
		}
		list = append(list, store.AreaAdmin{PID: a.PID.Digits(), AreaCode: a.AreaCode})
		index = append(index, i)
	}
	if err := st.SetSuperAdmins(ctx, store.SourceConfig, supers); err != nil {
		return fmt.Errorf("ADMIN_PIDS: %w", err)
	}
	err := st.SetAreaAdmins(ctx, list)
	if unknown, ok := errors.AsType[*store.UnknownAreaError](err); ok {
		return fmt.Errorf("ADMIN_PIDS %s: area %q: %w", admins[index[unknown.Index]].PID.Masked(), unknown.AreaCode, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("ADMIN_PIDS: %w", err)
	}
	return nil
}

// demoAdmins picks two of the mock's demo citizens as area admins: one of
// สพป.บุรีรัมย์ เขต 3 (where โรงเรียนวัดก้านเหลือง is) and one of เขต 1, who
// is also the super-admin.
func demoAdmins(citizens []mockprovider.Citizen) []adminAssignment {
	var out []adminAssignment
	for _, a := range []struct {
		i    int
		area string
	}{{3, "3103"}, {2, "3101"}, {2, superAdminArea}} {
		if i, area := a.i, a.area; i < len(citizens) {
			if pid, err := thaid.ParsePID(citizens[i].PID); err == nil {
				out = append(out, adminAssignment{PID: pid, AreaCode: area})
			}
		}
	}
	return out
}

// printBanner tells the user where to go and, with the embedded mock, who
// can log in.
func printBanner(ctx context.Context, out io.Writer, cfg config, mock *mockprovider.Server, st *store.Store) {
	var w strings.Builder
	defer func() { _, _ = io.WriteString(out, w.String()) }() // one write: readers see all or nothing
	fmt.Fprintf(&w, "\nschool-registration is running: open %s/\n", cfg.BaseURL)
	if mock == nil {
		fmt.Fprintf(&w, "ThaID provider: %s\n\n", cfg.provider().Issuer)
		return
	}
	names := map[string]string{}
	if areas, err := st.Areas(ctx); err == nil {
		for _, a := range areas {
			names[a.Code] = a.Name
		}
	}
	admins := map[string][]string{}
	for _, a := range cfg.Admins {
		label := a.AreaCode
		if a.AreaCode == superAdminArea {
			label = "super-admin"
		} else if name, ok := names[a.AreaCode]; ok {
			label = name + " (" + a.AreaCode + ")"
		}
		admins[a.PID.Digits()] = append(admins[a.PID.Digits()], label)
	}
	fmt.Fprintf(&w, "ThaID: embedded mock at %s%s (scan the QR code, or open the phone-page link under it)\n", cfg.BaseURL, mockPrefix)
	fmt.Fprintln(&w, "Demo citizens (PID masked, app password, name to pick on the mock's phone page):")
	for _, c := range mock.Citizens() {
		role := "applicant"
		if areas, ok := admins[c.PID]; ok {
			role = "area admin of " + strings.Join(areas, ", ")
		}
		// The name exactly as the mock's phone page lists it (middle name included).
		fmt.Fprintf(&w, "  %s  %s  %s: %s\n", thaid.MaskPID(c.PID), c.Password, c.Name(), role)
	}
	fmt.Fprintln(&w)
}
