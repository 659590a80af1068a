package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

//go:embed seed/*.csv
var seedFS embed.FS

// SeedSample imports the embedded sample areas and schools (สพป.บุรีรัมย์
// เขต 1–4 and a few more). It is idempotent: existing rows are updated.
func (s *Store) SeedSample(ctx context.Context) error {
	areas, err := seedFS.Open("seed/areas.csv")
	if err != nil {
		return err
	}
	defer areas.Close()
	if _, err := s.ImportAreas(ctx, areas); err != nil {
		return err
	}
	schools, err := seedFS.Open("seed/schools.csv")
	if err != nil {
		return err
	}
	defer schools.Close()
	_, err = s.ImportSchools(ctx, schools)
	return err
}

// ImportAreas reads a CSV with the header code,name,name_en,province (name_en
// and province may be empty) and inserts or updates each area. It returns the
// number of rows imported. The whole file is one transaction.
func (s *Store) ImportAreas(ctx context.Context, r io.Reader) (int, error) {
	rows, err := readCSV(r, []string{"code", "name"}, []string{"name_en", "province"})
	if err != nil {
		return 0, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, row := range rows {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO areas (code, name, name_en, province) VALUES ($1, $2, $3, $4)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
					province = excluded.province`,
				row["code"], row["name"], row["name_en"], row["province"]); err != nil {
				return fmt.Errorf("store: import area %q: %w", row["code"], err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// ImportSchools reads a CSV with the header
// code,area_code,name,name_en,district,province (the last three may be empty)
// and inserts or updates each school. Areas must exist first. Seat counters,
// About texts and news are kept on update.
func (s *Store) ImportSchools(ctx context.Context, r io.Reader) (int, error) {
	rows, err := readCSV(r, []string{"code", "area_code", "name"}, []string{"name_en", "district", "province"})
	if err != nil {
		return 0, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for _, row := range rows {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO schools (code, area_code, name, name_en, district, province)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (code) DO UPDATE SET area_code = excluded.area_code, name = excluded.name,
					name_en = excluded.name_en, district = excluded.district, province = excluded.province`,
				row["code"], row["area_code"], row["name"], row["name_en"], row["district"], row["province"]); err != nil {
				return fmt.Errorf("store: import school %q (area %q): %w", row["code"], row["area_code"], err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// readCSV reads a CSV file with a header row into maps keyed by column name.
// Required columns must be present and non-empty in every row.
func readCSV(r io.Reader, required, optional []string) ([]map[string]string, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrBadCSV, err)
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range required {
		if _, ok := index[c]; !ok {
			return nil, fmt.Errorf("%w: missing column %q", ErrBadCSV, c)
		}
	}
	var out []map[string]string
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadCSV, err)
		}
		row := map[string]string{}
		for _, c := range append(append([]string{}, required...), optional...) {
			if i, ok := index[c]; ok && i < len(rec) {
				row[c] = strings.TrimSpace(rec[i])
			}
		}
		for _, c := range required {
			if row[c] == "" {
				return nil, fmt.Errorf("%w: line %d: empty %q", ErrBadCSV, line, c)
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// SeedSampleIfEmpty seeds the sample areas and schools into a database that
// has no areas yet, so that a fresh install works at once and an operator's
// own imported data is never overwritten. It reports whether it seeded.
func (s *Store) SeedSampleIfEmpty(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM areas`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: count areas: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	return true, s.SeedSample(ctx)
}
