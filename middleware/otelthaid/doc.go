// Package otelthaid turns the events of the thaid-go login middleware into OpenTelemetry metrics
// and spans. It lives in a module of its own, so that the SDK module never carries OpenTelemetry.
//
//	obs, err := otelthaid.New(otelthaid.Config{}) // the global MeterProvider and TracerProvider
//	if err != nil { return err }
//	auth, err := middleware.New(middleware.Config{Client: client, Observe: obs.Observe})
//
// # Metrics
//
// Two instruments, under the instrumentation scope
// "github.com/thaid-go/thaid-go/middleware/otelthaid":
//
//   - thaid.events (counter, unit {event}): the steps of the login flow, by thaid.event.kind and
//     thaid.event.outcome. Prometheus: thaid_events_total.
//   - thaid.event.duration (histogram, unit s): the time each step took in this server, by the
//     same two attributes. Prometheus: thaid_event_duration_seconds. Buckets from 5 ms to 10 s.
//
// thaid.event.kind is one of login_started (the Login handler sent a browser to ThaID), login
// (the Callback handler ended a login), refresh (a session's tokens were refreshed) and logout.
// thaid.event.outcome is "ok" or the short reason of the failure, as middleware.Reason gives it
// ("user_denied", "login_expired", "no_pending_login", "provider_unavailable", ...). Both come
// from short fixed lists, so the number of series stays small.
//
// The time of a login is the time the server spent on its callback (the token exchange, the
// checks, OnLogin and the new session), not the time the citizen spent on the phone.
//
// # Spans
//
// Each event becomes a span named "thaid." + its kind ("thaid.login", "thaid.refresh", ...),
// child of the span in the request's context (an HTTP server span, when the handler is
// instrumented with otelhttp or the like), starting and ending when the step did. A failed step
// has status Error with the reason as its description, and the attribute error.type set to the
// reason.
//
// # No personal data
//
// Events carry no PID, no name and no token, and neither do the metrics and spans: their only
// attributes are the kind, the outcome and error.type. The error's text is not recorded either
// (an OnLogin refusal's message is written by the application and could name the citizen).
package otelthaid
