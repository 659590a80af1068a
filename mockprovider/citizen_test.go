package mockprovider_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/thaid-go/thaid-go/mockprovider"
)

func TestValidatePID(t *testing.T) {
	for _, tc := range []struct {
		pid string
		ok  bool
	}{
		{"1112034563562", true}, // THAID.md's example
		{"1101700230708", true},
		{"1-1017-00230-70-8", true},
		{"1 1017 00230 70 8", true},
		{"1101700230707", false}, // wrong check digit
		{"110170023070", false},  // 12 digits
		{"11017002307080", false},
		{"110170023070a", false},
		{"", false},
	} {
		err := mockprovider.ValidatePID(tc.pid)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, mockprovider.ErrInvalidCitizen)) {
			t.Errorf("validatePID(%q) = %v, want ok=%v", tc.pid, err, tc.ok)
		}
		if err != nil && len(tc.pid) == 13 && strings.Contains(err.Error(), tc.pid) {
			t.Errorf("error reveals the PID: %v", err)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"24681357", true},
		{"11112222", true},  // each digit 4 times: allowed
		{"12345679", true},  // not one single run
		{"90123456", true},  // no wrap-around
		{"12344321", true},  //
		{"12345678", false}, // ascending run
		{"23456789", false},
		{"87654321", false}, // descending run
		{"98765432", false},
		{"11111234", false}, // 1 five times
		{"00000000", false},
		{"1234567", false},   // 7 digits
		{"123456789", false}, // 9 digits
		{"1234567a", false},
		{"", false},
	} {
		err := mockprovider.ValidatePassword(tc.pw)
		if (err == nil) != tc.ok {
			t.Errorf("validatePassword(%q) = %v, want ok=%v", tc.pw, err, tc.ok)
		}
	}
}

func TestDefaultCitizens(t *testing.T) {
	cs := mockprovider.DefaultCitizens()
	if len(cs) < 6 {
		t.Fatalf("%d citizens", len(cs))
	}
	if err := mockprovider.ValidateCitizens(cs); err != nil {
		t.Fatal(err)
	}
	var before, after, foreign, partial, be bool
	pws := map[string]bool{}
	for _, c := range cs {
		year := c.Birthdate[:4]
		if year > "2400" { // Buddhist era
			be = true
			year = "1995"
		}
		before = before || year < "1984"
		after = after || year >= "1984"
		foreign = foreign || c.PID[0] == '6' || c.PID[0] == '8'
		partial = partial || strings.HasSuffix(c.Birthdate, "-00-00")
		if pws[c.Password] {
			t.Errorf("duplicate password %s", c.Password)
		}
		pws[c.Password] = true
		if c.Name() == "" || c.NameEN() == "" || c.Address == "" || c.IAL == "" || c.SmartcardCode == "" {
			t.Errorf("incomplete citizen %s", mockprovider.MaskPID(c.PID))
		}
	}
	if !before || !after || !foreign || !partial || !be {
		t.Fatalf("coverage: before1984=%v after=%v foreign=%v partial=%v buddhistEra=%v", before, after, foreign, partial, be)
	}
	// A fresh copy each call.
	cs[0].GivenName = "changed"
	if mockprovider.DefaultCitizens()[0].GivenName == "changed" {
		t.Fatal("DefaultCitizens shares its slice")
	}
}

func TestLoadCitizens(t *testing.T) {
	good, _ := json.Marshal(mockprovider.DefaultCitizens()[:2])
	for _, tc := range []struct {
		name string
		in   string
		n    int
	}{
		{"defaults round-trip", string(good), 2},
		{"formatted PID", `[{"pid":"1-1017-00230-70-8","given_name":"ก","password":"24681357"}]`, 1},
		{"bad check digit", `[{"pid":"1101700230707","given_name":"ก","password":"24681357"}]`, 0},
		{"sequence password", `[{"pid":"1101700230708","given_name":"ก","password":"87654321"}]`, 0},
		{"no name", `[{"pid":"1101700230708","password":"24681357"}]`, 0},
		{"bad birthdate", `[{"pid":"1101700230708","given_name":"ก","password":"24681357","birthdate":"17/05/1990"}]`, 0},
		{"partial card date", `[{"pid":"1101700230708","given_name":"ก","password":"24681357","date_of_expiry":"2030-00-00"}]`, 0},
		{"unknown field", `[{"pid":"1101700230708","given_name":"ก","password":"24681357","email":"x"}]`, 0},
		{"empty", `[]`, 0},
		{"not JSON", `pid,name`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := mockprovider.LoadCitizens(strings.NewReader(tc.in))
			if tc.n == 0 {
				if !errors.Is(err, mockprovider.ErrInvalidCitizen) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil || len(cs) != tc.n {
				t.Fatalf("%d citizens, err %v", len(cs), err)
			}
			if strings.ContainsAny(cs[0].PID, "- ") {
				t.Fatalf("PID not normalised: %q", cs[0].PID)
			}
		})
	}
}

func TestMaskPID(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1101700230708", "1-1017-xxxxx-70-8"},
		{"pid=1101700230708;", "pid=1-1017-xxxxx-70-8;"},
		{"1-1017-00230-70-8", "1-1017-xxxxx-70-8"},
		{"a 1101700230708 b 3409901127549", "a 1-1017-xxxxx-70-8 b 3-4099-xxxxx-54-9"},
		{"11017002307081", "11017002307081"}, // 14 digits: not a PID
		{"short 12345", "short 12345"},
	} {
		if got := mockprovider.MaskPID(tc.in); got != tc.want {
			t.Errorf("MaskPID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLogsMaskPIDsAndHideTokens runs logins with a logger and checks the log has no full PID,
// token, code or secret.
func TestLogsMaskPIDsAndHideTokens(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := mockprovider.Start(t, mockprovider.Options{AutoApprove: true, Logger: logger})
	c := mockprovider.DefaultCitizens()[2]
	tok := exchange(t, p, url.Values{"login_hint": {c.PID}})
	post(t, p, mockprovider.PathRevoke, url.Values{"token": {tok["access_token"].(string)}}, authBasic)
	// And a QR login approved through the API.
	p.SetAutoApprove(false)
	ref, _ := startQR(t, p, nil)
	_ = p.Approve(ref, c.PID)
	out := buf.String()
	if !strings.Contains(out, mockprovider.MaskPID(c.PID)) {
		t.Errorf("log does not name the masked citizen:\n%s", out)
	}
	for _, secret := range []string{c.PID, tok["access_token"].(string), tok["refresh_token"].(string), tok["id_token"].(string)[:40], mockprovider.DemoClientSecret, c.Password} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q", secret)
		}
	}
}
