package thaid

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		partial bool
		wantErr bool
	}{
		{in: "1990-05-17", want: Date{1990, 5, 17}},
		{in: "2533-05-17", want: Date{1990, 5, 17}}, // Buddhist era
		{in: "2400-01-01", want: Date{2400, 1, 1}},  // not above 2400: Gregorian
		{in: "2401-01-01", want: Date{1858, 1, 1}},
		{in: "1950-00-00", want: Date{1950, 0, 0}, partial: true},
		{in: "2493-00-00", want: Date{1950, 0, 0}, partial: true},
		{in: "1950-07-00", want: Date{1950, 7, 0}, partial: true},
		{in: "2000-02-29", want: Date{2000, 2, 29}},
		{in: "2543-02-29", want: Date{2000, 2, 29}}, // BE leap day, checked on the Gregorian year
		{in: "1990-05-17T00:00:00Z", want: Date{1990, 5, 17}},
		{in: "1950-00-05", wantErr: true},
		{in: "1990-13-01", wantErr: true},
		{in: "1990-02-30", wantErr: true},
		{in: "1900-02-29", wantErr: true},
		{in: "0000-00-00", wantErr: true},
		{in: "1990/05/17", wantErr: true},
		{in: "17-05-1990", wantErr: true},
		{in: "1990-5-17", wantErr: true},
		{in: "", wantErr: true},
		{in: "199a-05-17", wantErr: true},
		{in: "+990-05-17", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidClaim) {
					t.Fatalf("ParseDate(%q) = %v, %v; want ErrInvalidClaim", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.Partial() != tt.partial {
				t.Fatalf("Partial() = %t", got.Partial())
			}
			tm, ok := got.Time()
			if ok == tt.partial {
				t.Fatalf("Time() ok = %t for partial=%t", ok, tt.partial)
			}
			if ok && !tm.Equal(time.Date(tt.want.Year, time.Month(tt.want.Month), tt.want.Day, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("Time() = %v", tm)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	for _, in := range []string{"1990-05-17", "1950-00-00", "1950-07-00"} {
		d, err := ParseDate(in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(d)
		if err != nil || string(b) != `"`+in+`"` {
			t.Fatalf("Marshal(%v) = %s, %v", d, b, err)
		}
		var back Date
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Fatalf("Unmarshal(%s) = %v, %v", b, back, err)
		}
		if d.String() != in {
			t.Fatalf("String() = %q, want %q", d.String(), in)
		}
	}
	var d Date
	for _, bad := range []string{`19900517`, `"x"`, `{}`} {
		if err := json.Unmarshal([]byte(bad), &d); !errors.Is(err, ErrInvalidClaim) {
			t.Errorf("Unmarshal(%s) error %v, want ErrInvalidClaim", bad, err)
		}
	}
	if !(Date{}).IsZero() {
		t.Fatal("zero Date not IsZero")
	}
	if _, ok := (Date{}).Time(); ok {
		t.Fatal("zero Date has a Time")
	}
}
