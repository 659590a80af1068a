package main

import (
	"errors"
	"net/http"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

type adminData struct {
	Areas    []store.Area
	Pending  []store.Registration
	Approved []store.Registration // website managers, whose approval the admin may revoke
}

func (app *application) renderAdmin(w http.ResponseWriter, r *http.Request, c *citizen, status int, p page) {
	if c.areasErr != nil {
		app.serverError(w, r, c, c.areasErr)
		return
	}
	if !c.isAdmin() {
		app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
		return
	}
	regs, err := app.store.RegistrationsForAdmin(r.Context(), c.pid, store.StatusPending, store.StatusApproved)
	if err != nil {
		app.serverError(w, r, c, err)
		return
	}
	data := adminData{Areas: c.areas}
	for _, reg := range regs {
		if reg.Status == store.StatusPending {
			data.Pending = append(data.Pending, reg)
		} else {
			data.Approved = append(data.Approved, reg)
		}
	}
	p.User = c.view
	p.Data = data
	app.views.render(w, r, status, "admin", p)
}

func (app *application) handleAdmin() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		p := page{}
		switch done := r.URL.Query().Get("done"); done {
		case "approved", "rejected", "revoked":
			p.Notice = done
		}
		app.renderAdmin(w, r, c, http.StatusOK, p)
	})
}

// Admin decisions on a registration.
const (
	decideApprove = "approve" // pending -> approved
	decideReject  = "reject"  // pending -> rejected, with a reason
	decideRevoke  = "revoke"  // approved -> rejected, with a reason
)

// confirmData is the confirmation page of a decision.
type confirmData struct {
	Action       string // decideApprove, decideReject or decideRevoke
	Registration store.Registration
	Reason       string
}

// handleDecide approves, rejects or revokes a registration. The first POST
// (without confirm=yes) shows what is about to happen and asks for
// confirmation; the confirmed POST decides. The store checks, in the same
// UPDATE, that the registration's school is in one of the admin's areas and
// that it is not the admin's own: otherwise the admin gets 404 and nothing
// changes.
func (app *application) handleDecide(action string) http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if !c.isAdmin() {
			app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
			return
		}
		id := r.PathValue("id")
		reason := r.PostFormValue("reason")
		if action != decideApprove {
			if code := checkText(reason, true, 500); code != "" {
				app.renderAdmin(w, r, c, http.StatusUnprocessableEntity,
					page{Form: map[string]string{"item": id, "reason": reason}, Errors: map[string]string{"reason": code}})
				return
			}
		}
		if r.PostFormValue("confirm") != "yes" {
			app.confirmDecision(w, r, c, action, id, reason)
			return
		}
		var err error
		var done string
		switch action {
		case decideApprove:
			done = "approved"
			err = app.store.Approve(r.Context(), c.actor(), id)
		case decideRevoke:
			done = "revoked"
			err = app.store.Revoke(r.Context(), c.actor(), id, reason)
		default:
			done = "rejected"
			err = app.store.Reject(r.Context(), c.actor(), id, reason)
		}
		if errors.Is(err, store.ErrNotFound) {
			app.renderAdmin(w, r, c, http.StatusNotFound, page{Notice: "notfound"})
			return
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		app.log.Info("registration decided", "registration", id, "decision", done, "admin", c.view.MaskedPID)
		app.decided(done)
		http.Redirect(w, r, "/admin?done="+done, http.StatusSeeOther)
	})
}

// confirmDecision shows the registration a decision is about, when the admin
// may decide it, with the confirm and cancel buttons.
func (app *application) confirmDecision(w http.ResponseWriter, r *http.Request, c *citizen, action, id, reason string) {
	regs, err := app.store.RegistrationsForAdmin(r.Context(), c.pid, store.StatusPending, store.StatusApproved)
	if err != nil {
		app.serverError(w, r, c, err)
		return
	}
	want := store.StatusPending
	if action == decideRevoke {
		want = store.StatusApproved
	}
	for _, reg := range regs {
		if reg.ID == id && reg.Status == want {
			app.views.render(w, r, http.StatusOK, "admin_confirm", page{User: c.view,
				Data: confirmData{Action: action, Registration: reg, Reason: reason}})
			return
		}
	}
	app.renderAdmin(w, r, c, http.StatusNotFound, page{Notice: "notfound"})
}
