package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Area is a primary educational service area (สำนักงานเขตพื้นที่การศึกษาประถมศึกษา).
type Area struct {
	Code     string
	Name     string
	NameEN   string
	Province string
	// ContactPhone (digits, 0xxxxxxxx) and ContactEmail are the office's
	// contact that applicants are given (SetAreaContact); "" when not set.
	ContactPhone string
	ContactEmail string
}

// School is a school in an area, with its seat counter and website text.
type School struct {
	Code       string
	AreaCode   string
	AreaName   string
	Name       string
	NameEN     string
	District   string
	Province   string
	About      string
	SeatLimit  int
	SeatsTaken int
	UpdatedAt  time.Time
}

// SeatsFree is the number of seats still open.
func (s School) SeatsFree() int { return max(0, s.SeatLimit-s.SeatsTaken) }

// News is one news item on a school's public page.
type News struct {
	ID         string
	SchoolCode string
	Title      string
	Body       string
	Author     string
	CreatedAt  time.Time
}

// areaColumns are the columns scanArea reads, of the table areas (alias a).
const areaColumns = `a.code, a.name, a.name_en, a.province, a.contact_phone, a.contact_email`

// scanArea reads an area's areaColumns.
func scanArea(row rowScanner) (Area, error) {
	var a Area
	err := row.Scan(&a.Code, &a.Name, &a.NameEN, &a.Province, &a.ContactPhone, &a.ContactEmail)
	return a, err
}

// Areas lists every area, by code.
func (s *Store) Areas(ctx context.Context) ([]Area, error) {
	return queryAll(ctx, s.db, "areas", scanArea,
		`SELECT `+areaColumns+` FROM areas a ORDER BY a.code`)
}

// Area returns one area.
func (s *Store) Area(ctx context.Context, code string) (Area, error) {
	a, err := scanArea(s.db.QueryRowContext(ctx, `SELECT `+areaColumns+` FROM areas a WHERE a.code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Area{}, ErrNotFound
	}
	return a, err
}

const schoolColumns = `s.code, s.area_code, a.name, s.name, s.name_en, s.district, s.province, s.about,
	s.seat_limit, s.seats_taken, s.updated_at`

func scanSchool(sc rowScanner) (School, error) {
	var sch School
	var updated sql.NullTime
	err := sc.Scan(&sch.Code, &sch.AreaCode, &sch.AreaName, &sch.Name, &sch.NameEN, &sch.District,
		&sch.Province, &sch.About, &sch.SeatLimit, &sch.SeatsTaken, &updated)
	sch.UpdatedAt = nullTime(updated)
	return sch, err
}

// SchoolsInArea lists the schools of an area by name, with their seat counts.
func (s *Store) SchoolsInArea(ctx context.Context, areaCode string) ([]School, error) {
	return queryAll(ctx, s.db, "schools in area", scanSchool,
		`SELECT `+schoolColumns+`
		FROM schools s JOIN areas a ON a.code = s.area_code
		WHERE s.area_code = $1 ORDER BY s.name`, areaCode)
}

// School returns one school.
func (s *Store) School(ctx context.Context, code string) (School, error) {
	sch, err := scanSchool(s.db.QueryRowContext(ctx, `SELECT `+schoolColumns+`
		FROM schools s JOIN areas a ON a.code = s.area_code WHERE s.code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return School{}, ErrNotFound
	}
	return sch, err
}

// ManagedSchool returns the school whose website the citizen manages: the
// school of their approved registration. It returns ErrNotApproved when the
// citizen holds no approved registration.
func (s *Store) ManagedSchool(ctx context.Context, citizenPID string) (School, error) {
	sch, err := scanSchool(s.db.QueryRowContext(ctx, `SELECT `+schoolColumns+`
		FROM registrations r
		JOIN schools s ON s.code = r.school_code
		JOIN areas a ON a.code = s.area_code
		WHERE r.citizen_pid = $1 AND r.status = 'approved'`, citizenPID))
	if errors.Is(err, sql.ErrNoRows) {
		return School{}, ErrNotApproved
	}
	return sch, err
}

// SchoolNews lists a school's news, newest first, at most limit items.
func (s *Store) SchoolNews(ctx context.Context, schoolCode string, limit int) ([]News, error) {
	return queryAll(ctx, s.db, "school news", func(row rowScanner) (News, error) {
		var n News
		if err := row.Scan(&n.ID, &n.SchoolCode, &n.Title, &n.Body, &n.Author, &n.CreatedAt); err != nil {
			return n, err
		}
		n.CreatedAt = n.CreatedAt.UTC()
		return n, nil
	},
		`SELECT id, school_code, title, body, author, created_at
		FROM news WHERE school_code = $1 ORDER BY created_at DESC, id LIMIT $2`, schoolCode, limit)
}

// approvedFor is the condition "citizen $pid holds an approved registration
// for school $code", used by every website-management write.
const approvedFor = `EXISTS (SELECT 1 FROM registrations r
	WHERE r.school_code = schools.code AND r.citizen_pid = $3 AND r.status = 'approved')`

// UpdateSchoolAbout replaces the About text of a school. Only a citizen with an
// approved registration for that school may do it; anyone else gets
// ErrNotApproved.
func (s *Store) UpdateSchoolAbout(ctx context.Context, citizenPID, schoolCode, about string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE schools SET about = $1, updated_at = $4
			WHERE code = $2 AND `+approvedFor, strings.TrimSpace(about), schoolCode, citizenPID, s.nowUTC())
		if err != nil {
			return fmt.Errorf("store: update about: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotApproved
		}
		return nil
	})
}

// PostNews adds a news item to a school's page. Only a citizen with an
// approved registration for that school may do it; anyone else gets
// ErrNotApproved.
func (s *Store) PostNews(ctx context.Context, citizenPID, schoolCode, title, body, author string) (News, error) {
	n := News{ID: newID(), SchoolCode: schoolCode, Title: strings.TrimSpace(title), Body: strings.TrimSpace(body),
		Author: author, CreatedAt: s.nowUTC()}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO news (id, school_code, title, body, author, created_at)
			SELECT $1, schools.code, $4, $5, $6, $7 FROM schools
			WHERE schools.code = $2 AND `+approvedFor,
			n.ID, schoolCode, citizenPID, n.Title, n.Body, n.Author, n.CreatedAt)
		if err != nil {
			return fmt.Errorf("store: post news: %w", err)
		}
		if rows, _ := res.RowsAffected(); rows != 1 {
			return ErrNotApproved
		}
		return nil
	})
	if err != nil {
		return News{}, err
	}
	return n, nil
}

// SchoolsWithWebsite lists the schools that have at least one approved
// website manager, by name: the schools whose public page is live.
func (s *Store) SchoolsWithWebsite(ctx context.Context) ([]School, error) {
	return queryAll(ctx, s.db, "schools with website", scanSchool,
		`SELECT `+schoolColumns+`
		FROM schools s JOIN areas a ON a.code = s.area_code
		WHERE EXISTS (SELECT 1 FROM registrations r WHERE r.school_code = s.code AND r.status = 'approved')
		ORDER BY s.name`)
}

// NewsItem returns one news item of a school, or ErrNotFound.
func (s *Store) NewsItem(ctx context.Context, schoolCode, id string) (News, error) {
	var n News
	err := s.db.QueryRowContext(ctx, `SELECT id, school_code, title, body, author, created_at
		FROM news WHERE school_code = $1 AND id = $2`, schoolCode, id).
		Scan(&n.ID, &n.SchoolCode, &n.Title, &n.Body, &n.Author, &n.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return News{}, ErrNotFound
	}
	n.CreatedAt = n.CreatedAt.UTC()
	return n, err
}

// UpdateNews replaces the title and text of a news item. Only a citizen with
// an approved registration for the item's school may do it (else
// ErrNotApproved); an unknown item gives ErrNotFound.
func (s *Store) UpdateNews(ctx context.Context, citizenPID, schoolCode, id, title, body string) error {
	return s.changeNews(ctx, "update news", citizenPID, schoolCode, id, `UPDATE news SET title = $4, body = $5
		WHERE id = $1 AND school_code = $2 AND EXISTS (SELECT 1 FROM registrations r
			WHERE r.school_code = news.school_code AND r.citizen_pid = $3 AND r.status = 'approved')`,
		strings.TrimSpace(title), strings.TrimSpace(body))
}

// DeleteNews deletes a news item. Errors as for UpdateNews.
func (s *Store) DeleteNews(ctx context.Context, citizenPID, schoolCode, id string) error {
	return s.changeNews(ctx, "delete news", citizenPID, schoolCode, id, `DELETE FROM news
		WHERE id = $1 AND school_code = $2 AND EXISTS (SELECT 1 FROM registrations r
			WHERE r.school_code = news.school_code AND r.citizen_pid = $3 AND r.status = 'approved')`)
}

// changeNews runs an UPDATE or DELETE of one news item guarded by the
// approved-manager condition, and tells a missing item from a missing right.
func (s *Store) changeNews(ctx context.Context, what, citizenPID, schoolCode, id, query string, args ...any) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, append([]any{id, schoolCode, citizenPID}, args...)...)
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM news WHERE id = $1 AND school_code = $2`, id, schoolCode).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		return ErrNotApproved
	})
}
