package main

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// Admin decisions on a registration.
const (
	decideApprove = "approve" // pending -> approved
	decideReject  = "reject"  // pending -> rejected, with a reason
	decideRevoke  = "revoke"  // approved -> rejected (revoked), with a reason
)

// decisionOf is the store's decision that an admin decision makes.
var decisionOf = map[string]store.Decision{decideApprove: store.DecisionApproved, decideReject: store.DecisionRejected,
	decideRevoke: store.DecisionRevoked}

// fromStatus is the status a decision acts on.
func fromStatus(action string) store.Status {
	if action == decideRevoke {
		return store.StatusApproved
	}
	return store.StatusPending
}

// confirmData is the confirmation page of a decision.
type confirmData struct {
	Action       string // decideApprove, decideReject or decideRevoke
	Registration store.Registration
	// Open: the registration still has the status the decision acts on, so
	// the page asks for confirmation; else it shows the decision already made.
	Open   bool
	List   string // the query of the list the decision comes from
	Back   string // that list's URL
	MailOn bool   // the applicant is told by email
}

// confirmURL is the confirmation page of a decision, carrying the list's
// query to return to.
func confirmURL(id, action string, list url.Values) string {
	return withList("/admin/registrations/"+url.PathEscape(id)+"/"+action, list)
}

// registrationURL is the page of a registration, carrying the list's query.
func registrationURL(id string, list url.Values) string {
	return withList("/admin/registrations/"+url.PathEscape(id), list)
}

// withList adds the list's query to path, as its "list" parameter.
func withList(path string, list url.Values) string {
	if e := list.Encode(); e != "" {
		return path + "?" + url.Values{"list": {e}}.Encode()
	}
	return path
}

// handleConfirm is the confirmation page of a decision (GET, so that it
// can be reloaded, opened from the history or sent as a link): to an admin
// who may decide the registration (of their areas, not their own) it shows
// what is about to happen and the confirm button, or, when the registration
// was decided meanwhile, that decision, by whom and when. Anyone else gets
// "not found", as for a registration that does not exist.
func (app *application) handleConfirm(action string) http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if !c.isAdmin() {
			app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
			return
		}
		app.confirmDecision(w, r, c, action, r.PathValue("id"), returnQuery(r), http.StatusOK, page{})
	})
}

// confirmDecision renders the confirmation page of a decision (see
// handleConfirm), with p's form and errors (the reason).
func (app *application) confirmDecision(w http.ResponseWriter, r *http.Request, c *citizen, action, id string,
	list url.Values, status int, p page) {
	reg, err := app.store.RegistrationForAdmin(r.Context(), c.pid, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && reg.Status == store.StatusPending && action == decideRevoke:
		// (A pending registration has no approval to revoke.)
		app.renderAdmin(w, r, c, http.StatusNotFound, page{Notice: "notfound"}, list, adminDone{})
	case err != nil:
		app.serverError(w, r, c, err)
	default:
		p.User = c.view
		p.Data = confirmData{Action: action, Registration: reg, Open: reg.Status == fromStatus(action),
			List: list.Encode(), Back: adminListURL(list), MailOn: app.mailOn && reg.Email != ""}
		app.views.render(w, r, status, "admin_confirm", p)
	}
}

// handleDecide approves, rejects or revokes a registration: the confirmation
// page's POST (confirm=yes; a reason for a rejection or revocation). The
// store checks, in the same UPDATE, that the registration's school is in one
// of the admin's areas, that it is not the admin's own and that it still has
// the status the decision acts on. The answer is a redirect to the list the
// admin came from (the "list" field: always /admin, with only the list's
// own parameters), naming the registration for the notice; a registration
// decided meanwhile (a second click, another tab, another admin) returns
// there too, with the decision that was made, by whom and when. A POST
// without confirm=yes (a form of an older page) is sent to the confirmation
// page. Another area's registration, or the admin's own, gets 404 and
// nothing changes.
func (app *application) handleDecide(action string) http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if !c.isAdmin() {
			app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
			return
		}
		id := r.PathValue("id")
		list := returnQuery(r)
		if r.PostFormValue("confirm") != "yes" {
			http.Redirect(w, r, confirmURL(id, action, list), http.StatusSeeOther)
			return
		}
		reason := r.PostFormValue("reason")
		if action != decideApprove {
			if code := checkText(reason, true, maxReason); code != "" {
				app.confirmDecision(w, r, c, action, id, list, http.StatusUnprocessableEntity,
					page{Form: map[string]string{"reason": reason}, Errors: map[string]string{"reason": code}})
				return
			}
		}
		var err error
		switch action {
		case decideApprove:
			err = app.store.Approve(r.Context(), c.actor(), id)
		case decideRevoke:
			err = app.store.Revoke(r.Context(), c.actor(), id, reason)
		default:
			err = app.store.Reject(r.Context(), c.actor(), id, reason)
		}
		// The list's notice code is the decision's name: "approved", ...
		done, made := string(decisionOf[action]), err == nil
		if errors.Is(err, store.ErrNotFound) {
			// Decided meanwhile, or not this admin's to decide.
			reg, rerr := app.store.RegistrationForAdmin(r.Context(), c.pid, id)
			switch {
			case errors.Is(rerr, store.ErrNotFound) || rerr == nil && (reg.Status == fromStatus(action) || reg.Status == store.StatusPending):
				// Not this admin's to decide, or (a revocation of a pending registration) nothing to decide.
				app.renderAdmin(w, r, c, http.StatusNotFound, page{Notice: "notfound"}, list, adminDone{})
				return
			case rerr != nil:
				app.serverError(w, r, c, rerr)
				return
			case reg.Decision != decisionOf[action]:
				done = "already"
			}
			err = nil
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		back := maps.Clone(list)
		back.Set("done", done)
		back.Set("reg", id)
		if done == "already" {
			back.Set("tried", action)
		}
		if made {
			app.log.Info("registration decided", "registration", id, "decision", done, "admin", c.view.MaskedPID)
			app.decided(done)
		}
		http.Redirect(w, r, "/admin?"+back.Encode(), http.StatusSeeOther)
	})
}

// registrationData is the page of one registration.
type registrationData struct {
	Registration store.Registration
	Entries      []store.AuditEntry // its audit entries, newest first
	CanDecide    bool               // the reader decides in its area
	List         string             // the query of the list the reader came from
	Back         string             // that list's URL
}

// handleRegistration is the page of one registration, for an admin of its
// area or a super-admin (never one's own): its details, its decision (by
// whom, when), the decisions the reader may make, and its audit entries
// (an undelivered mail among them). Anyone else gets "not found".
func (app *application) handleRegistration() http.Handler {
	return app.requireReader(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		list := returnQuery(r)
		reg, err := app.store.RegistrationForReader(r.Context(), c.pid, r.PathValue("id"))
		if errors.Is(err, store.ErrNotFound) {
			app.renderAdmin(w, r, c, http.StatusNotFound, page{Notice: "notfound"}, list, adminDone{})
			return
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		entries, err := app.store.Audit(r.Context(), store.AuditFilter{RegistrationID: reg.ID})
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		app.views.render(w, r, http.StatusOK, "admin_registration", page{User: c.view, Data: registrationData{
			Registration: reg, Entries: entries, List: list.Encode(), Back: adminListURL(list),
			CanDecide: slices.ContainsFunc(c.areas, func(a store.Area) bool { return a.Code == reg.AreaCode }),
		}})
	})
}
