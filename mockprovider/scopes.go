package mockprovider

import (
	"slices"
	"strconv"
	"strings"
)

// The ThaID scopes. Each scope's claim has the same name (openid excepted).
const (
	ScopeOpenID         = "openid"
	ScopePID            = "pid"
	ScopeName           = "name"
	ScopeNameEN         = "name_en"
	ScopeTitle          = "title"
	ScopeTitleEN        = "title_en"
	ScopeGivenName      = "given_name"
	ScopeMiddleName     = "middle_name"
	ScopeFamilyName     = "family_name"
	ScopeGivenNameEN    = "given_name_en"
	ScopeMiddleNameEN   = "middle_name_en"
	ScopeFamilyNameEN   = "family_name_en"
	ScopeBirthdate      = "birthdate"
	ScopeGender         = "gender"
	ScopeAddress        = "address"
	ScopeSmartcardCode  = "smartcard_code"
	ScopeDateOfIssuance = "date_of_issuance"
	ScopeDateOfExpiry   = "date_of_expiry"
	ScopeIAL            = "ial"
)

// AllScopes lists every ThaID scope, in the order of DOPA's manual.
var AllScopes = []string{ScopeOpenID, ScopePID, ScopeName, ScopeNameEN, ScopeTitle, ScopeTitleEN,
	ScopeGivenName, ScopeMiddleName, ScopeFamilyName, ScopeGivenNameEN, ScopeMiddleNameEN,
	ScopeFamilyNameEN, ScopeBirthdate, ScopeGender, ScopeAddress, ScopeSmartcardCode,
	ScopeDateOfIssuance, ScopeDateOfExpiry, ScopeIAL}

// scopeLabels are the Thai labels shown on the consent page.
var scopeLabels = map[string]string{
	ScopeOpenID:         "ยืนยันตัวตนด้วย ThaID (OpenID)",
	ScopePID:            "เลขประจำตัวประชาชน",
	ScopeName:           "ชื่อ-นามสกุล (ภาษาไทย)",
	ScopeNameEN:         "ชื่อ-นามสกุล (ภาษาอังกฤษ)",
	ScopeTitle:          "คำนำหน้าชื่อ (ภาษาไทย)",
	ScopeTitleEN:        "คำนำหน้าชื่อ (ภาษาอังกฤษ)",
	ScopeGivenName:      "ชื่อ (ภาษาไทย)",
	ScopeMiddleName:     "ชื่อกลาง (ภาษาไทย)",
	ScopeFamilyName:     "นามสกุล (ภาษาไทย)",
	ScopeGivenNameEN:    "ชื่อ (ภาษาอังกฤษ)",
	ScopeMiddleNameEN:   "ชื่อกลาง (ภาษาอังกฤษ)",
	ScopeFamilyNameEN:   "นามสกุล (ภาษาอังกฤษ)",
	ScopeBirthdate:      "วันเดือนปีเกิด",
	ScopeGender:         "เพศ",
	ScopeAddress:        "ที่อยู่ตามทะเบียนบ้าน",
	ScopeSmartcardCode:  "รหัสหลังบัตรประจำตัวประชาชน (Laser code)",
	ScopeDateOfIssuance: "วันออกบัตร",
	ScopeDateOfExpiry:   "วันบัตรหมดอายุ",
	ScopeIAL:            "ระดับความน่าเชื่อถือของการพิสูจน์ตัวตน (IAL)",
}

// ScopeLabel returns the Thai label of a scope as the consent page shows it ("" if unknown).
func ScopeLabel(scope string) string { return scopeLabels[scope] }

// parseScopes splits a space-separated scope list, dropping duplicates and empty entries.
func parseScopes(s string) []string {
	fs := strings.Fields(s)
	out := fs[:0]
	for _, f := range fs {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// claims returns the claims of the granted scopes for c.
func (p *Provider) claims(c *Citizen, scopes []string, dst map[string]any) {
	set := func(k, v string) {
		if v != "" {
			dst[k] = v
		}
	}
	for _, s := range scopes {
		switch s {
		case ScopePID:
			set(s, c.PID)
		case ScopeName:
			set(s, c.Name())
		case ScopeNameEN:
			set(s, c.NameEN())
		case ScopeTitle:
			set(s, c.Title)
		case ScopeTitleEN:
			set(s, c.TitleEN)
		case ScopeGivenName:
			set(s, c.GivenName)
		case ScopeMiddleName:
			set(s, c.MiddleName)
		case ScopeFamilyName:
			set(s, c.FamilyName)
		case ScopeGivenNameEN:
			set(s, c.GivenNameEN)
		case ScopeMiddleNameEN:
			set(s, c.MiddleNameEN)
		case ScopeFamilyNameEN:
			set(s, c.FamilyNameEN)
		case ScopeBirthdate:
			set(s, c.Birthdate)
		case ScopeGender:
			set(s, c.Gender)
		case ScopeAddress:
			if c.Address == "" && len(c.AddressDetail) == 0 {
				continue
			}
			if p.opts.AddressStyle == AddressObject {
				obj := make(map[string]any, len(c.AddressDetail)+1)
				for k, v := range c.AddressDetail {
					obj[k] = v
				}
				obj["formatted"] = c.Address
				dst[s] = obj
			} else {
				set(s, c.Address)
			}
		case ScopeSmartcardCode:
			set(s, c.SmartcardCode)
		case ScopeDateOfIssuance:
			set(s, c.DateOfIssuance)
		case ScopeDateOfExpiry:
			set(s, c.DateOfExpiry)
		case ScopeIAL:
			if c.IAL == "" {
				continue
			}
			if f, err := strconv.ParseFloat(c.IAL, 64); err == nil && p.opts.IALAsNumber {
				dst[s] = f
			} else {
				dst[s] = c.IAL
			}
		}
	}
}
