package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/thaid-go/thaid-go/examples/school-registration/internal/store"
)

// adminListKeys are the query parameters of the admin list: the fields of its
// GET form, and the page. Nothing else of a query is kept in its links or in
// the return to the list after a decision.
var adminListKeys = []string{"q", "status", "area", "school", "from", "to", "sort", "page"}

// adminStatuses are the statuses the list shows, in the order of its tabs.
var adminStatuses = []store.Status{store.StatusPending, store.StatusApproved, store.StatusRejected}

// listQuery returns the admin list's parameters of v (the first value of
// each, when not empty), and nothing else.
func listQuery(v url.Values) url.Values {
	out := url.Values{}
	for _, k := range adminListKeys {
		if s := v.Get(k); s != "" {
			out.Set(k, s)
		}
	}
	return out
}

// adminListURL is the admin list with the parameters of q: always the local
// path /admin, whatever q holds (its values are encoded into the query).
func adminListURL(q url.Values) string {
	if e := listQuery(q).Encode(); e != "" {
		return "/admin?" + e
	}
	return "/admin"
}

// returnQuery reads the "list" field of a decision's form: the query of the
// list the decision was made from, to return to. Malformed parts are dropped.
func returnQuery(r *http.Request) url.Values {
	v, _ := url.ParseQuery(r.PostFormValue("list")) // keeps what parses
	return listQuery(v)
}

// statusTab is a tab of the admin list: a status with its count.
type statusTab struct {
	Status  store.Status
	Count   int
	URL     string
	Current bool
}

// pageLink is a link of the list's pager; Gap marks skipped pages.
type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// adminData is the admin list page.
type adminData struct {
	Areas       []store.Area // the areas the admin decides in (may be none: a super-admin)
	AllAreas    bool         // a super-admin, who reads every area
	AreaChoices []store.Area // the options of the area filter
	School      store.School // the school of the school filter (zero: none)
	Status      store.Status
	List        store.RegistrationPage
	Tabs        []statusTab
	Pages       []pageLink
	Prev, Next  string // the pager's links, or ""
	First, Last int    // the rows shown, counted from 1
	Filter      map[string]string
	Errors      map[string]string
	Query       url.Values // of this page: its links and the decisions' return
	PIDDigits   int        // how many last digits of an ID the search takes
	MaxSearch   int
	// MoreOpen opens the "more filters" box: one of its filters is set, or
	// wrong.
	MoreOpen bool
}

// Err returns the error of a filter field, or nil.
func (d adminData) Err(field string) *fieldError {
	if code, ok := d.Errors[field]; ok {
		return &fieldError{Field: field, Code: code}
	}
	return nil
}

// CanDecide reports whether the admin decides registrations of the area.
func (d adminData) CanDecide(area string) bool {
	return slices.ContainsFunc(d.Areas, func(a store.Area) bool { return a.Code == area })
}

// ListQuery is this page's query, for the decision forms' "list" field.
func (d adminData) ListQuery() string { return d.Query.Encode() }

// with returns the URL of this list with key set to value (removed when
// value is ""), back on the first page.
func (d adminData) with(key, value string) string {
	q := listQuery(d.Query)
	q.Del("page")
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	return adminListURL(q)
}

// SchoolURL is this list filtered to one school.
func (d adminData) SchoolURL(code string) string { return d.with("school", code) }

// pageURL is this list at page n.
func (d adminData) pageURL(n int) string {
	q := listQuery(d.Query)
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	} else {
		q.Del("page")
	}
	return adminListURL(q)
}

// adminFilter reads the list's parameters into a store filter. Invalid
// values give field errors (the list is then not read). An area or school
// filter must name one of the admin's areas, or any area for a super-admin.
func (app *application) adminFilter(ctx context.Context, c *citizen, q url.Values, d *adminData) (store.RegistrationFilter, error) {
	f := store.RegistrationFilter{AdminPID: c.pid, AllAreas: c.super}
	d.Filter, d.Errors = map[string]string{}, map[string]string{}
	for _, k := range adminListKeys {
		d.Filter[k] = q.Get(k)
	}
	if code := checkText(d.Filter["q"], false, store.MaxSearchLength); code != "" {
		d.Errors["q"] = code
	}
	f.Search = d.Filter["q"]
	switch st := store.Status(d.Filter["status"]); {
	case st == "":
		f.Status = store.StatusPending
	case slices.Contains(adminStatuses, st):
		f.Status = st
	default:
		d.Errors["status"] = "invalid"
	}
	d.Status = f.Status
	if a := d.Filter["area"]; a != "" {
		if !slices.ContainsFunc(d.AreaChoices, func(x store.Area) bool { return x.Code == a }) {
			d.Errors["area"] = "invalid"
		}
		f.Area = a
	}
	if code := d.Filter["school"]; code != "" {
		sch, err := app.store.School(ctx, code)
		switch {
		case errors.Is(err, store.ErrNotFound):
			d.Errors["school"] = "school"
		case err != nil:
			return f, err
		case !c.super && !slices.ContainsFunc(c.areas, func(a store.Area) bool { return a.Code == sch.AreaCode }):
			d.Errors["school"] = "school" // the same answer as for a code that does not exist
		default:
			d.School = sch
		}
		f.School = code
	}
	for _, field := range []string{"from", "to"} {
		if v := d.Filter[field]; v != "" {
			t, ok := parseDay(v, field == "to")
			if !ok {
				d.Errors[field] = "date"
			} else if field == "from" {
				f.From = t
			} else {
				f.To = t
			}
		}
	}
	switch d.Filter["sort"] {
	case "", "oldest":
	case "newest":
		f.NewestFirst = true
	default:
		d.Errors["sort"] = "invalid"
	}
	if n, err := strconv.Atoi(d.Filter["page"]); err == nil {
		f.Page = n
	}
	d.MoreOpen = f.Area != "" || f.School != "" || !f.From.IsZero() || !f.To.IsZero() || f.NewestFirst ||
		len(d.Errors) > 0 && d.Errors["q"] == ""
	return f, nil
}

// renderAdmin renders the admin list with the parameters of q: a page of
// registrations, the search, the filters and the counts per status. An area
// admin reads their areas, a super-admin every area; the decision forms are
// shown only on registrations of the admin's own areas.
func (app *application) renderAdmin(w http.ResponseWriter, r *http.Request, c *citizen, status int, p page, q url.Values) {
	if c.areasErr != nil {
		app.serverError(w, r, c, c.areasErr)
		return
	}
	if !c.isAdmin() && !c.super {
		app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
		return
	}
	d := adminData{Areas: c.areas, AllAreas: c.super, AreaChoices: c.areas, Query: listQuery(q),
		PIDDigits: store.PIDSuffixDigits, MaxSearch: store.MaxSearchLength}
	if c.super {
		all, err := app.store.Areas(r.Context())
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		d.AreaChoices = all
	}
	f, err := app.adminFilter(r.Context(), c, d.Query, &d)
	if err != nil {
		app.serverError(w, r, c, err)
		return
	}
	if len(d.Errors) == 0 {
		d.List, err = app.store.AdminRegistrations(r.Context(), f)
		switch {
		case errors.Is(err, store.ErrSearchFullPID):
			// Not shown again, nor kept in the page's links.
			d.Errors["q"] = "search_pid"
			d.Filter["q"] = ""
			d.Query.Del("q")
		case errors.Is(err, store.ErrSearchTooLong):
			d.Errors["q"] = "too_long"
		case err != nil:
			app.serverError(w, r, c, err)
			return
		}
	}
	if len(d.Errors) > 0 && status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	d.Query.Del("page")
	if d.List.Page > 1 {
		d.Query.Set("page", strconv.Itoa(d.List.Page))
	}
	for _, st := range adminStatuses {
		d.Tabs = append(d.Tabs, statusTab{Status: st, Count: d.List.Counts[st], URL: d.with("status", string(st)),
			Current: st == d.Status})
	}
	if n := len(d.List.Registrations); n > 0 {
		size := store.AdminPageSize
		d.First = (d.List.Page-1)*size + 1
		d.Last = d.First + n - 1
	}
	if d.List.Page > 1 {
		d.Prev = d.pageURL(d.List.Page - 1)
	}
	if d.List.Page < d.List.Pages {
		d.Next = d.pageURL(d.List.Page + 1)
	}
	if d.List.Pages > 1 {
		gap := false
		for n := 1; n <= d.List.Pages; n++ {
			if n == 1 || n == d.List.Pages || (n >= d.List.Page-2 && n <= d.List.Page+2) {
				d.Pages = append(d.Pages, pageLink{N: n, URL: d.pageURL(n), Current: n == d.List.Page})
				gap = false
			} else if !gap {
				d.Pages = append(d.Pages, pageLink{Gap: true})
				gap = true
			}
		}
	}
	p.User = c.view
	p.Data = d
	app.views.render(w, r, status, "admin", p)
}

func (app *application) handleAdmin() http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		p := page{}
		switch done := r.URL.Query().Get("done"); done {
		case "approved", "rejected", "revoked":
			p.Notice = done
		}
		app.renderAdmin(w, r, c, http.StatusOK, p, r.URL.Query())
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
	List         string // the query of the list the decision comes from
	Back         string // that list's URL
}

// handleDecide approves, rejects or revokes a registration. The first POST
// (without confirm=yes) shows what is about to happen and asks for
// confirmation; the confirmed POST decides. The store checks, in the same
// UPDATE, that the registration's school is in one of the admin's areas and
// that it is not the admin's own: otherwise the admin gets 404 and nothing
// changes. Both steps carry the query of the list the admin came from (the
// "list" field), and the decision returns there: always to /admin, with only
// the list's own parameters.
func (app *application) handleDecide(action string) http.Handler {
	return app.requireCitizen(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		if !c.isAdmin() {
			app.views.renderError(w, r, http.StatusForbidden, "forbidden", c.view)
			return
		}
		id := r.PathValue("id")
		reason := r.PostFormValue("reason")
		list := returnQuery(r)
		if action != decideApprove {
			if code := checkText(reason, true, 500); code != "" {
				// The error shows beside the registration: on the list it came from,
				// which holds registrations of the status this decision acts on.
				if action == decideRevoke {
					list.Set("status", string(store.StatusApproved))
				} else if list.Get("status") != string(store.StatusPending) {
					list.Del("status")
				}
				app.renderAdmin(w, r, c, http.StatusUnprocessableEntity,
					page{Form: map[string]string{"item": id, "reason": reason}, Errors: map[string]string{"reason": code}}, list)
				return
			}
		}
		if r.PostFormValue("confirm") != "yes" {
			app.confirmDecision(w, r, c, action, id, reason, list)
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
			app.renderAdmin(w, r, c, http.StatusNotFound, page{Notice: "notfound"}, list)
			return
		}
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		app.log.Info("registration decided", "registration", id, "decision", done, "admin", c.view.MaskedPID)
		app.decided(done)
		back := url.Values{}
		for k, v := range list {
			back[k] = v
		}
		back.Set("done", done)
		http.Redirect(w, r, "/admin?"+back.Encode(), http.StatusSeeOther)
	})
}

// confirmDecision shows the registration a decision is about, when the admin
// may decide it, with the confirm and cancel buttons.
func (app *application) confirmDecision(w http.ResponseWriter, r *http.Request, c *citizen, action, id, reason string, list url.Values) {
	reg, err := app.store.RegistrationForAdmin(r.Context(), c.pid, id)
	want := store.StatusPending
	if action == decideRevoke {
		want = store.StatusApproved
	}
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && reg.Status != want:
		app.renderAdmin(w, r, c, http.StatusNotFound, page{Notice: "notfound"}, list)
	case err != nil:
		app.serverError(w, r, c, err)
	default:
		app.views.render(w, r, http.StatusOK, "admin_confirm", page{User: c.view,
			Data: confirmData{Action: action, Registration: reg, Reason: reason, List: list.Encode(), Back: adminListURL(list)}})
	}
}
