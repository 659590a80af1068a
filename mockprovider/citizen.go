package mockprovider

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Citizen is a person who can log in at the mock. JSON field names are the ThaID claim names,
// so a citizens file reads like a token response.
type Citizen struct {
	// PID is the 13-digit citizen ID (digits only, or with dashes/spaces, which are removed).
	// Its mod-11 check digit must be valid.
	PID string `json:"pid"`
	// Sub is the subject (sub claim). "" = as Options.SubStyle says: the PID itself (SubPID,
	// the default, as recorded on DOPA's sandbox) or a stable 13-digit number derived from it
	// (SubOpaque).
	Sub string `json:"sub,omitempty"`
	// Thai title and name parts. The name claim is built from them: "นาย สมชาย ใจดี".
	Title      string `json:"title,omitempty"`       // นาย, นาง, นางสาว, เด็กชาย, ...
	GivenName  string `json:"given_name"`            // ชื่อ
	MiddleName string `json:"middle_name,omitempty"` // ชื่อกลาง (rare)
	FamilyName string `json:"family_name,omitempty"` // นามสกุล
	// English title and name parts. The name_en claim is built from them.
	TitleEN      string `json:"title_en,omitempty"`       // Mr., Mrs., Miss, ...
	GivenNameEN  string `json:"given_name_en,omitempty"`  // given name in English
	MiddleNameEN string `json:"middle_name_en,omitempty"` // middle name in English
	FamilyNameEN string `json:"family_name_en,omitempty"` // family name in English
	// Birthdate as the provider sends it: "1990-05-17", "2533-05-17" (Buddhist era) or a
	// partial date "1950-00-00".
	Birthdate string `json:"birthdate,omitempty"`
	// Gender, e.g. "male", "female".
	Gender string `json:"gender,omitempty"`
	// Address is the formatted address (house registration).
	Address string `json:"address,omitempty"`
	// AddressDetail are extra fields of the address object (AddressObject style only).
	AddressDetail map[string]string `json:"address_detail,omitempty"`
	// SmartcardCode is the laser code on the back of the ID card.
	SmartcardCode string `json:"smartcard_code,omitempty"`
	// DateOfIssuance and DateOfExpiry of the ID card, YYYY-MM-DD.
	DateOfIssuance string `json:"date_of_issuance,omitempty"`
	DateOfExpiry   string `json:"date_of_expiry,omitempty"` // see DateOfIssuance
	// IAL is the identity assurance level, e.g. "2.3".
	IAL string `json:"ial,omitempty"`
	// Password is the ThaID app password the citizen types on the phone page (see
	// validatePassword for the rules).
	Password string `json:"password"`
}

// Name is the Thai full name as the name claim carries it: "นาย สมชาย ใจดี".
func (c Citizen) Name() string {
	return joinNonEmpty(c.Title, c.GivenName, c.MiddleName, c.FamilyName)
}

// MaskedPID is the citizen's PID as it may be shown or logged: "1-1017-xxxxx-70-8".
func (c Citizen) MaskedPID() string {
	return maskPID(c.PID)
}

// NameEN is the English full name as the name_en claim carries it: "Mr. Somchai Jaidee".
func (c Citizen) NameEN() string {
	return joinNonEmpty(c.TitleEN, c.GivenNameEN, c.MiddleNameEN, c.FamilyNameEN)
}

// joinNonEmpty joins the non-empty parts with single spaces.
func joinNonEmpty(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), " ")
}

// DefaultCitizens returns the built-in fictional citizens (a fresh copy each call). They are
// listed, with their passwords, in the package documentation.
func DefaultCitizens() []Citizen {
	return []Citizen{
		{
			PID: "1509900314828", Title: "นาย", GivenName: "ธนวัฒน์", FamilyName: "สุขสวัสดิ์",
			TitleEN: "Mr.", GivenNameEN: "Thanawat", FamilyNameEN: "Suksawat",
			Birthdate: "1991-04-12", Gender: "male",
			Address:       "99/1 หมู่ 3 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200",
			AddressDetail: map[string]string{"house_no": "99/1", "moo": "3", "subdistrict": "สุเทพ", "district": "เมืองเชียงใหม่", "province": "เชียงใหม่", "postal_code": "50200"},
			SmartcardCode: "ME1-1234567-89", DateOfIssuance: "2022-04-12", DateOfExpiry: "2030-04-11",
			IAL: "2.3", Password: "24681357",
		},
		{
			PID: "2100500987322", Title: "นางสาว", GivenName: "พิมพ์ชนก", FamilyName: "รัตนพันธ์",
			TitleEN: "Miss", GivenNameEN: "Pimchanok", FamilyNameEN: "Rattanaphan",
			Birthdate: "2538-11-02", Gender: "female",
			Address:       "12 ซอยสุขุมวิท 24 แขวงคลองตัน เขตคลองเตย กรุงเทพมหานคร 10110",
			AddressDetail: map[string]string{"house_no": "12", "soi": "สุขุมวิท 24", "subdistrict": "คลองตัน", "district": "คลองเตย", "province": "กรุงเทพมหานคร", "postal_code": "10110"},
			SmartcardCode: "JT0-2468013-57", DateOfIssuance: "2021-11-02", DateOfExpiry: "2029-11-01",
			IAL: "2.3", Password: "59183746",
		},
		{
			PID: "3409901127549", Title: "นาง", GivenName: "มาลี", FamilyName: "ศรีสุข",
			TitleEN: "Mrs.", GivenNameEN: "Malee", FamilyNameEN: "Srisuk",
			Birthdate: "1962-03-09", Gender: "female",
			Address:       "45 หมู่ 7 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
			AddressDetail: map[string]string{"house_no": "45", "moo": "7", "subdistrict": "ในเมือง", "district": "เมืองขอนแก่น", "province": "ขอนแก่น", "postal_code": "40000"},
			SmartcardCode: "KK3-9081726-35", DateOfIssuance: "2019-03-09", DateOfExpiry: "2027-03-08",
			IAL: "2.1", Password: "30517926",
		},
		{
			PID: "3301000873651", Title: "นาย", GivenName: "ประเสริฐ", FamilyName: "วงศ์ทอง",
			TitleEN: "Mr.", GivenNameEN: "Prasert", FamilyNameEN: "Wongthong",
			Birthdate: "1950-00-00", Gender: "male",
			Address:       "7 ถนนจอมพล ตำบลในเมือง อำเภอเมืองนครราชสีมา จังหวัดนครราชสีมา 30000",
			AddressDetail: map[string]string{"house_no": "7", "road": "จอมพล", "subdistrict": "ในเมือง", "district": "เมืองนครราชสีมา", "province": "นครราชสีมา", "postal_code": "30000"},
			SmartcardCode: "NR5-1122334-46", DateOfIssuance: "2020-01-15", DateOfExpiry: "2099-12-31",
			IAL: "2.3", Password: "40261835",
		},
		{
			PID: "8100700452197", Title: "นาย", GivenName: "จอห์น", MiddleName: "ไมเคิล", FamilyName: "สมิธ",
			TitleEN: "Mr.", GivenNameEN: "John", MiddleNameEN: "Michael", FamilyNameEN: "Smith",
			Birthdate: "1978-07-21", Gender: "male",
			Address:       "88/8 ถนนสีลม แขวงสุริยวงศ์ เขตบางรัก กรุงเทพมหานคร 10500",
			AddressDetail: map[string]string{"house_no": "88/8", "road": "สีลม", "subdistrict": "สุริยวงศ์", "district": "บางรัก", "province": "กรุงเทพมหานคร", "postal_code": "10500"},
			SmartcardCode: "BK8-5566778-80", DateOfIssuance: "2023-07-21", DateOfExpiry: "2031-07-20",
			IAL: "2.3", Password: "71829364",
		},
		{
			PID: "1909900551231", Title: "นาย", GivenName: "กิตติพัฒน์", FamilyName: "บุญมา",
			TitleEN: "Mr.", GivenNameEN: "Kittiphat", FamilyNameEN: "Boonma",
			Birthdate: "2005-01-15", Gender: "male",
			Address:       "21 ถนนนิพัทธ์อุทิศ 3 ตำบลหาดใหญ่ อำเภอหาดใหญ่ จังหวัดสงขลา 90110",
			AddressDetail: map[string]string{"house_no": "21", "road": "นิพัทธ์อุทิศ 3", "subdistrict": "หาดใหญ่", "district": "หาดใหญ่", "province": "สงขลา", "postal_code": "90110"},
			SmartcardCode: "SK1-3141592-65", DateOfIssuance: "2024-01-15", DateOfExpiry: "2032-01-14",
			IAL: "2.3", Password: "93715280",
		},
	}
}

// LoadCitizens reads a JSON array of citizens (field names as in Citizen's json tags) and
// validates them with ValidateCitizens.
func LoadCitizens(r io.Reader) ([]Citizen, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var cs []Citizen
	if err := dec.Decode(&cs); err != nil {
		return nil, fmt.Errorf("%w: decoding citizens JSON: %v", ErrInvalidCitizen, err)
	}
	for i := range cs {
		cs[i].PID = normalizePID(cs[i].PID)
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("%w: the file lists no citizens", ErrInvalidCitizen)
	}
	if err := ValidateCitizens(cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// ValidateCitizens validates each citizen and checks that PIDs are unique.
func ValidateCitizens(cs []Citizen) error {
	seen := make(map[string]bool, len(cs))
	for i, c := range cs {
		if err := validateCitizen(c); err != nil {
			return fmt.Errorf("citizen %d: %w", i, err)
		}
		pid := normalizePID(c.PID)
		if seen[pid] {
			return fmt.Errorf("%w: citizen %d: duplicate PID %s", ErrInvalidCitizen, i, maskPID(pid))
		}
		seen[pid] = true
	}
	return nil
}

// validateCitizen checks the PID (validatePID), the password (validatePassword), that a Thai or
// English given name is present, and the shape of the dates (YYYY-MM-DD, month and day may be
// 00 in the birthdate only).
func validateCitizen(c Citizen) error {
	if err := validatePID(c.PID); err != nil {
		return err
	}
	masked := maskPID(normalizePID(c.PID))
	if err := validatePassword(c.Password); err != nil {
		return fmt.Errorf("%s: %w", masked, err)
	}
	if c.GivenName == "" && c.GivenNameEN == "" {
		return fmt.Errorf("%w: %s: no given name", ErrInvalidCitizen, masked)
	}
	for _, d := range []struct {
		name, v string
		partial bool
	}{{"birthdate", c.Birthdate, true}, {"date_of_issuance", c.DateOfIssuance, false}, {"date_of_expiry", c.DateOfExpiry, false}} {
		if d.v != "" && !validDate(d.v, d.partial) {
			return fmt.Errorf("%w: %s: %s %q is not YYYY-MM-DD", ErrInvalidCitizen, masked, d.name, d.v)
		}
	}
	return nil
}

var dateRE = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

func validDate(s string, partialOK bool) bool {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if mo > 12 || d > 31 {
		return false
	}
	if (mo == 0 || d == 0) && !partialOK {
		return false
	}
	return !(mo == 0 && d != 0)
}

// pidSeparators are the dashes and spaces that normalizePID removes.
var pidSeparators = strings.NewReplacer("-", "", " ", "")

// normalizePID removes dashes and spaces.
func normalizePID(s string) string { return pidSeparators.Replace(s) }

// validatePID checks a citizen ID: 13 digits (dashes and spaces ignored) whose last digit is the
// mod-11 check digit: x = (Σ_{i=1..12} d_i × (14 − i)) mod 11; d13 = (11 − x) mod 10.
func validatePID(s string) error {
	p := normalizePID(s)
	if len(p) != 13 {
		return fmt.Errorf("%w: PID must have 13 digits", ErrInvalidCitizen)
	}
	sum := 0
	for i := 0; i < 13; i++ {
		if p[i] < '0' || p[i] > '9' {
			return fmt.Errorf("%w: PID must be digits only", ErrInvalidCitizen)
		}
		if i < 12 {
			sum += int(p[i]-'0') * (13 - i)
		}
	}
	if want := (11 - sum%11) % 10; int(p[12]-'0') != want {
		return fmt.Errorf("%w: PID %s has a wrong check digit", ErrInvalidCitizen, maskPID(p))
	}
	return nil
}

// validatePassword applies the ThaID app's password rules, made precise:
//   - exactly 8 ASCII digits;
//   - not a sequence: rejected when all 8 digits form one ascending run (each digit one more
//     than the previous, no wrap-around: 12345678, 23456789) or one descending run (87654321,
//     98765432). Shorter runs inside a password are allowed;
//   - no digit appears more than 4 times (11112222 is allowed, 11111234 is not).
func validatePassword(pw string) error {
	if len(pw) != 8 {
		return fmt.Errorf("%w: password must be 8 digits", ErrInvalidCitizen)
	}
	var count [10]int
	up, down := true, true
	for i := 0; i < len(pw); i++ {
		c := pw[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("%w: password must be 8 digits", ErrInvalidCitizen)
		}
		count[c-'0']++
		if count[c-'0'] > 4 {
			return fmt.Errorf("%w: password repeats a digit more than 4 times", ErrInvalidCitizen)
		}
		if i > 0 {
			up = up && c == pw[i-1]+1
			down = down && c == pw[i-1]-1
		}
	}
	if up || down {
		return fmt.Errorf("%w: password is a sequence", ErrInvalidCitizen)
	}
	return nil
}
