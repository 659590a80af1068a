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

// returnQuery reads the "list" parameter of a decision's form or of a link
// to a registration or a confirmation page: the query of the list the admin
// came from, to return to. Malformed parts are dropped.
func returnQuery(r *http.Request) url.Values {
	v, _ := url.ParseQuery(r.FormValue("list")) // keeps what parses
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
	Prev, Next  string     // the pager's links, or ""
	First, Last int        // the rows shown, counted from 1
	Query       url.Values // of this page: its links and the decisions' return
	PIDDigits   int        // how many last digits of an ID the search takes
	MaxSearch   int
	// MoreOpen opens the "more filters" box: one of its filters is set, or
	// wrong.
	MoreOpen bool
	Done     adminDone // the decision just made, for the notice
	MailOn   bool      // decisions are mailed to the applicant
}

// adminDone is the notice of the admin list after a decision.
type adminDone struct {
	// Code is "approved", "rejected" or "revoked" (the decision made, or
	// found already made as attempted), "already" (another decision was made
	// first), or "" (no notice).
	Code string
	// Reg is the registration, as it is now (nil: not readable, or not named).
	Reg *store.Registration
	// Tried is the decision attempted, for "already": decideApprove, ...
	Tried string
}

// adminAnchors maps the list's filters to their inputs, for the error summary.
var adminAnchors = map[string]string{"status": "f-status", "area": "f-area", "school": "f-school", "from": "f-from",
	"to": "f-to", "sort": "f-sort"}

// CanDecide reports whether the admin decides registrations of the area.
func (d adminData) CanDecide(area string) bool {
	return slices.ContainsFunc(d.Areas, func(a store.Area) bool { return a.Code == area })
}

// ConfirmURL is the confirmation page of a decision on registration id,
// returning to this list.
func (d adminData) ConfirmURL(id, action string) string { return confirmURL(id, action, d.Query) }

// RegistrationURL is the page of registration id, returning to this list.
func (d adminData) RegistrationURL(id string) string { return registrationURL(id, d.Query) }

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
	v := ""
	if n > 1 {
		v = strconv.Itoa(n)
	}
	return d.with("page", v)
}

// adminFilter reads the list's parameters into a store filter, and into p's
// form and errors. Invalid values give field errors (the list is then not
// read). An area or school filter must name one of the admin's areas, or any
// area for a super-admin.
func (app *application) adminFilter(ctx context.Context, c *citizen, q url.Values, d *adminData, p *page) (store.RegistrationFilter, error) {
	f := store.RegistrationFilter{AdminPID: c.pid, AllAreas: c.super}
	p.Form, p.Errors, p.Anchors = map[string]string{}, map[string]string{}, adminAnchors
	for _, k := range adminListKeys {
		p.Form[k] = q.Get(k)
	}
	if code := checkText(p.Form["q"], false, store.MaxSearchLength); code != "" {
		p.Errors["q"] = code
	}
	f.Search = p.Form["q"]
	switch st := store.Status(p.Form["status"]); {
	case st == "":
		f.Status = store.StatusPending
	case slices.Contains(adminStatuses, st):
		f.Status = st
	default:
		p.Errors["status"] = "invalid"
	}
	d.Status = f.Status
	if a := p.Form["area"]; a != "" {
		if !slices.ContainsFunc(d.AreaChoices, func(x store.Area) bool { return x.Code == a }) {
			p.Errors["area"] = "invalid"
		}
		f.Area = a
	}
	if code := p.Form["school"]; code != "" {
		sch, err := app.store.School(ctx, code)
		switch {
		case errors.Is(err, store.ErrNotFound):
			p.Errors["school"] = "school"
		case err != nil:
			return f, err
		case !c.super && !slices.ContainsFunc(c.areas, func(a store.Area) bool { return a.Code == sch.AreaCode }):
			p.Errors["school"] = "school" // the same answer as for a code that does not exist
		default:
			d.School = sch
		}
		f.School = code
	}
	days := readDayFilter(p.Form["from"], p.Form["to"], p.Errors)
	f.From, f.To = days.From, days.To
	p.Form["from"], p.Form["to"] = days.ShownFrom, days.ShownTo
	switch p.Form["sort"] {
	case "", "oldest":
	case "newest":
		f.NewestFirst = true
	default:
		p.Errors["sort"] = "invalid"
	}
	if n, err := strconv.Atoi(p.Form["page"]); err == nil {
		f.Page = n
	}
	d.MoreOpen = f.Area != "" || f.School != "" || !f.From.IsZero() || !f.To.IsZero() || f.NewestFirst ||
		len(p.Errors) > 0 && p.Errors["q"] == ""
	return f, nil
}

// renderAdmin renders the admin list with the parameters of q: a page of
// registrations, the search, the filters and the counts per status. An area
// admin reads their areas, a super-admin every area; the decision forms are
// shown only on registrations of the admin's own areas.
func (app *application) renderAdmin(w http.ResponseWriter, r *http.Request, c *citizen, status int, p page, q url.Values, done adminDone) {
	// requireReader's check, for the decision paths (checked for isAdmin only).
	if app.refusedReader(w, r, c) {
		return
	}
	d := adminData{Areas: c.areas, AllAreas: c.super, AreaChoices: c.areas, Query: listQuery(q),
		PIDDigits: store.PIDSuffixDigits, MaxSearch: store.MaxSearchLength, Done: done, MailOn: app.mailOn}
	if c.super {
		all, err := app.store.Areas(r.Context())
		if err != nil {
			app.serverError(w, r, c, err)
			return
		}
		d.AreaChoices = all
	}
	f, err := app.adminFilter(r.Context(), c, d.Query, &d, &p)
	if err != nil {
		app.serverError(w, r, c, err)
		return
	}
	if len(p.Errors) == 0 {
		d.List, err = app.store.AdminRegistrations(r.Context(), f)
		switch {
		case errors.Is(err, store.ErrSearchFullPID):
			// Not shown again, nor kept in the page's links.
			p.Errors["q"] = "search_pid"
			p.Form["q"] = ""
			d.Query.Del("q")
		case errors.Is(err, store.ErrSearchTooLong):
			p.Errors["q"] = "too_long"
		case err != nil:
			app.serverError(w, r, c, err)
			return
		}
	}
	if len(p.Errors) > 0 && status == http.StatusOK {
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

// handleAdmin shows the admin list. After a decision (?done=approved,
// rejected, revoked or already, with reg naming the registration) it names
// the applicant and who decided, as RegistrationForReader lets the admin
// read them.
func (app *application) handleAdmin() http.Handler {
	return app.requireReader(func(w http.ResponseWriter, r *http.Request, c *citizen) {
		q := r.URL.Query()
		var done adminDone
		switch code := q.Get("done"); code {
		case "approved", "rejected", "revoked", "already":
			done.Code = code
			if id := q.Get("reg"); id != "" {
				reg, err := app.store.RegistrationForReader(r.Context(), c.pid, id)
				switch {
				case err == nil && reg.Status == store.StatusPending:
					done = adminDone{} // not decided: no notice says it was
				case err == nil:
					done.Reg = &reg
				case !errors.Is(err, store.ErrNotFound):
					app.serverError(w, r, c, err)
					return
				}
			}
			if t := q.Get("tried"); slices.Contains([]string{decideApprove, decideReject, decideRevoke}, t) {
				done.Tried = t
			}
		}
		app.renderAdmin(w, r, c, http.StatusOK, page{}, q, done)
	})
}
