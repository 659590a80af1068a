package middleware

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// EventKind names what an Event reports.
type EventKind string

// The kinds of Event.
const (
	// EventLoginStarted: the Login handler sent a browser to ThaID (or failed to).
	EventLoginStarted EventKind = "login_started"
	// EventLogin: the Callback handler ended a login: a session was started, or the login
	// failed (refused on the phone, expired, replayed, refused by OnLogin, ThaID down, ...).
	EventLogin EventKind = "login"
	// EventRefresh: AccessToken refreshed a session's expired tokens, or took the result of
	// another instance's refresh. Requests that wait for the same refresh report nothing.
	EventRefresh EventKind = "refresh"
	// EventLogout: the Logout handler answered a logout request.
	EventLogout EventKind = "logout"
)

// Event is one step of the login flow, reported to Config.Observe. It carries no personal data:
// no PID, no name, no token.
type Event struct {
	Kind EventKind
	// Err is nil when the step succeeded. Otherwise Reason(Err) gives its short reason
	// ("user_denied", "no_pending_login", "provider_unavailable", ...) and errors.Is tells the
	// sentinels apart.
	Err error
	// Start is when the step began and Duration how long it took, by the wall clock (time.Now,
	// whatever Config.Now is).
	Start    time.Time
	Duration time.Duration
}

// Outcome returns "ok" for a step that succeeded, else Reason(e.Err): a short, stable label for
// metrics.
func (e Event) Outcome() string {
	if e.Err == nil {
		return "ok"
	}
	return Reason(e.Err)
}

// observe reports kind to Config.Observe, timed from start; nothing when no observer is set.
//
// A panic of the observer is recovered and logged: a broken metrics hook must not break the
// login it reports on. It would otherwise drop the callback's answer after the session was
// started, or leave a refresh in flight for ever, so that every later request of that session
// waiting on it hung.
func (a *Auth) observe(ctx context.Context, kind EventKind, start time.Time, err error) {
	if a.observer == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			a.log.LogAttrs(ctx, slog.LevelError, "thaid observer panicked",
				slog.String("event", string(kind)), slog.String("panic", fmt.Sprint(p)))
		}
	}()
	a.observer(ctx, Event{Kind: kind, Err: err, Start: start, Duration: time.Since(start)})
}

// startTimer returns the start time of a step when an observer will hear of it (the zero time
// otherwise, so that an unobserved Auth never reads the clock for it).
func (a *Auth) startTimer() time.Time {
	if a.observer == nil {
		return time.Time{}
	}
	return time.Now()
}
