package main

import (
	"net/http"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

// citizen is the logged-in user of a request.
type citizen struct {
	id   *thaid.Identity
	pid  string // 13 digits; never logged
	view *viewer
	// areas are the areas the citizen administers (none: not an admin);
	// areasErr is why they could not be read.
	areas    []store.Area
	areasErr error
	super    bool // a super-admin: assigns and removes area admins
}

// isAdmin reports whether the citizen administers an area.
func (c *citizen) isAdmin() bool { return len(c.areas) > 0 }

// actor is the citizen as the audit trail records them.
func (c *citizen) actor() store.Actor {
	return store.Actor{PID: c.pid, Masked: c.view.MaskedPID, Name: c.view.Name.Full()}
}

// currentCitizen reads the ThaID identity of the session (set by
// middleware Require or Optional) and whether the citizen is an area admin.
// It returns nil when nobody is logged in or the login carried no PID.
func (app *application) currentCitizen(r *http.Request) *citizen {
	id, ok := middleware.IdentityFrom(r.Context())
	if !ok || id == nil || id.PID.IsZero() {
		return nil
	}
	c := &citizen{id: id, pid: id.PID.Digits()}
	c.areas, c.areasErr = app.store.AdminAreas(r.Context(), c.pid)
	if c.areasErr == nil {
		c.super, c.areasErr = app.store.IsSuperAdmin(r.Context(), c.pid)
	}
	if c.areasErr != nil {
		app.log.Error("admin areas", "err", c.areasErr)
	}
	c.view = &viewer{Name: citizenName(id), MaskedPID: id.PID.Masked(), IsAdmin: c.isAdmin(), IsSuper: c.super}
	return c
}

// viewerOf returns the page's view of the logged-in citizen, or nil.
func (app *application) viewerOf(r *http.Request) *viewer {
	if c := app.currentCitizen(r); c != nil {
		return c.view
	}
	return nil
}

// requireCitizen wraps a handler that needs a logged-in citizen with a PID.
func (app *application) requireCitizen(next func(w http.ResponseWriter, r *http.Request, c *citizen)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := app.currentCitizen(r)
		if c == nil {
			// Logged in, but the identity has no PID (scope not granted).
			app.views.renderError(w, r, http.StatusForbidden, "forbidden", nil)
			return
		}
		next(w, r, c)
	})
}
