package mockprovider

import (
	"slices"
	"strconv"
	"strings"
)

// The ThaID scopes. Each scope's claim has the same name (openid excepted).
const (
	scopeOpenID         = "openid"
	scopePID            = "pid"
	scopeName           = "name"
	scopeNameEN         = "name_en"
	scopeTitle          = "title"
	scopeTitleEN        = "title_en"
	scopeGivenName      = "given_name"
	scopeMiddleName     = "middle_name"
	scopeFamilyName     = "family_name"
	scopeGivenNameEN    = "given_name_en"
	scopeMiddleNameEN   = "middle_name_en"
	scopeFamilyNameEN   = "family_name_en"
	scopeBirthdate      = "birthdate"
	scopeGender         = "gender"
	scopeAddress        = "address"
	scopeSmartcardCode  = "smartcard_code"
	scopeDateOfIssuance = "date_of_issuance"
	scopeDateOfExpiry   = "date_of_expiry"
	scopeIAL            = "ial"
)

// allScopes lists every ThaID scope, in the order of DOPA's manual.
var allScopes = []string{scopeOpenID, scopePID, scopeName, scopeNameEN, scopeTitle, scopeTitleEN,
	scopeGivenName, scopeMiddleName, scopeFamilyName, scopeGivenNameEN, scopeMiddleNameEN,
	scopeFamilyNameEN, scopeBirthdate, scopeGender, scopeAddress, scopeSmartcardCode,
	scopeDateOfIssuance, scopeDateOfExpiry, scopeIAL}

// scopeLabels are the Thai labels shown on the consent page.
var scopeLabels = map[string]string{
	scopeOpenID:         "ยืนยันตัวตนด้วย ThaID (OpenID)",
	scopePID:            "เลขประจำตัวประชาชน",
	scopeName:           "ชื่อ-นามสกุล (ภาษาไทย)",
	scopeNameEN:         "ชื่อ-นามสกุล (ภาษาอังกฤษ)",
	scopeTitle:          "คำนำหน้าชื่อ (ภาษาไทย)",
	scopeTitleEN:        "คำนำหน้าชื่อ (ภาษาอังกฤษ)",
	scopeGivenName:      "ชื่อ (ภาษาไทย)",
	scopeMiddleName:     "ชื่อกลาง (ภาษาไทย)",
	scopeFamilyName:     "นามสกุล (ภาษาไทย)",
	scopeGivenNameEN:    "ชื่อ (ภาษาอังกฤษ)",
	scopeMiddleNameEN:   "ชื่อกลาง (ภาษาอังกฤษ)",
	scopeFamilyNameEN:   "นามสกุล (ภาษาอังกฤษ)",
	scopeBirthdate:      "วันเดือนปีเกิด",
	scopeGender:         "เพศ",
	scopeAddress:        "ที่อยู่ตามทะเบียนบ้าน",
	scopeSmartcardCode:  "รหัสหลังบัตรประจำตัวประชาชน (Laser code)",
	scopeDateOfIssuance: "วันออกบัตร",
	scopeDateOfExpiry:   "วันบัตรหมดอายุ",
	scopeIAL:            "ระดับความน่าเชื่อถือของการพิสูจน์ตัวตน (IAL)",
}

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

// stringClaims give the value of each claim that is one of the citizen's strings ("" = not sent).
var stringClaims = map[string]func(c *Citizen) string{
	scopePID:            func(c *Citizen) string { return c.PID },
	scopeName:           (*Citizen).Name,
	scopeNameEN:         (*Citizen).NameEN,
	scopeTitle:          func(c *Citizen) string { return c.Title },
	scopeTitleEN:        func(c *Citizen) string { return c.TitleEN },
	scopeGivenName:      func(c *Citizen) string { return c.GivenName },
	scopeMiddleName:     func(c *Citizen) string { return c.MiddleName },
	scopeFamilyName:     func(c *Citizen) string { return c.FamilyName },
	scopeGivenNameEN:    func(c *Citizen) string { return c.GivenNameEN },
	scopeMiddleNameEN:   func(c *Citizen) string { return c.MiddleNameEN },
	scopeFamilyNameEN:   func(c *Citizen) string { return c.FamilyNameEN },
	scopeBirthdate:      func(c *Citizen) string { return c.Birthdate },
	scopeGender:         func(c *Citizen) string { return c.Gender },
	scopeSmartcardCode:  func(c *Citizen) string { return c.SmartcardCode },
	scopeDateOfIssuance: func(c *Citizen) string { return c.DateOfIssuance },
	scopeDateOfExpiry:   func(c *Citizen) string { return c.DateOfExpiry },
}

// claims returns the claims of the granted scopes for c.
func (p *Server) claims(c *Citizen, scopes []string, dst map[string]any) {
	set := func(k, v string) {
		if v != "" {
			dst[k] = v
		}
	}
	for _, s := range scopes {
		switch s {
		case scopeAddress:
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
		case scopeIAL:
			if c.IAL == "" {
				continue
			}
			if f, err := strconv.ParseFloat(c.IAL, 64); err == nil && p.opts.IALAsNumber {
				dst[s] = f
			} else {
				dst[s] = c.IAL
			}
		default:
			if claim, ok := stringClaims[s]; ok {
				set(s, claim(c))
			}
		}
	}
}
