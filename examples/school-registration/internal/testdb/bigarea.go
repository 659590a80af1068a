package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // "sqlite" driver
)

// The seeded database of SeedBigArea, at the size of a real area at the start
// of a school year (issue 26): 10,000 registrations, of which 800 are
// pending in one area of 400 schools.
const (
	BigArea         = "3103" // สพป.บุรีรัมย์ เขต 3: 400 schools, 2 pending registrations each
	BigAreaSchools  = 400
	BigAreaPending  = 2 * BigAreaSchools
	BigAreaRejected = 1000 // in BigArea too
	BigTotal        = 10000
)

// bigOtherAreas are the sample's other Buri Ram areas, filled as well.
var bigOtherAreas = []string{"3101", "3102", "3104"}

// BigRegistration is one registration SeedBigArea wrote, for tests to compute
// what a filter should find.
type BigRegistration struct {
	ID, PID, School, Area, Status        string
	Title, Given, Middle, Family         string
	TitleEN, GivenEN, MiddleEN, FamilyEN string
	Phone, Email                         string
	CreatedAt                            time.Time
}

// BigSchool is a school SeedBigArea wrote or filled.
type BigSchool struct{ Code, Area, Name string }

// BigSeed is what SeedBigArea wrote.
type BigSeed struct {
	Schools       []BigSchool
	Registrations []BigRegistration
}

// SeedBigArea fills the database at url, of the given kind, which the store
// has migrated and seeded with its sample areas and schools, with
// BigAreaSchools schools in BigArea and in each other Buri Ram area, and
// BigTotal registrations: in BigArea two pending per school and
// BigAreaRejected rejected; in the other areas one approved and one pending
// per school, and the rest rejected. Names come from lists of common Thai
// given and family names (one applicant in 50 with a middle name and an
// English name), school names from villages of Buri Ram; PIDs are valid,
// start with 17 (no demo citizen's does) and are distinct; registrations are
// three minutes apart, from 2026-03-01 00:00 UTC. It writes in one
// transaction, with the SQL of today's schema.
func SeedBigArea(t testing.TB, kind Kind, url string) BigSeed {
	t.Helper()
	driver := "pgx"
	if kind == SQLite {
		driver = "sqlite"
	}
	db, err := sql.Open(driver, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed := bigSeed()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	taken := map[string]int{}
	for _, r := range seed.Registrations {
		if r.Status != "rejected" {
			taken[r.School]++
		}
	}
	// The sample's schools (codes ending 0001 to 0004 or 0005) keep their names.
	for i, s := range seed.Schools {
		err := tx.QueryRowContext(ctx, `INSERT INTO schools (code, area_code, name, district, province, seats_taken)
			VALUES ($1, $2, $3, 'นางรอง', 'บุรีรัมย์', $4)
			ON CONFLICT (code) DO UPDATE SET seats_taken = excluded.seats_taken
			RETURNING name`, s.Code, s.Area, s.Name, taken[s.Code]).Scan(&seed.Schools[i].Name)
		if err != nil {
			t.Fatalf("seed school %s: %v", s.Code, err)
		}
	}
	const cols = 18
	const rows = 100 // per INSERT: 1,800 arguments, within both databases' limits
	for i := 0; i < len(seed.Registrations); i += rows {
		batch := seed.Registrations[i:min(i+rows, len(seed.Registrations))]
		var q strings.Builder
		q.WriteString(`INSERT INTO registrations (id, citizen_pid, school_code, title, given_name, middle_name, family_name,
			title_en, given_name_en, middle_name_en, family_name_en, phone, email, status, reason, decided_by,
			created_at, decided_at) VALUES `)
		args := make([]any, 0, cols*len(batch))
		for j, r := range batch {
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(")
			for k := range cols {
				if k > 0 {
					q.WriteString(", ")
				}
				fmt.Fprintf(&q, "$%d", j*cols+k+1)
			}
			q.WriteString(")")
			var reason, decidedBy string
			var decided sql.NullTime
			if r.Status != "pending" {
				decided = sql.NullTime{Time: r.CreatedAt.Add(26 * time.Hour), Valid: true}
				decidedBy = "3-3010-xxxxx-65-1"
			}
			if r.Status == "rejected" {
				reason = "ไม่ใช่บุคลากรของโรงเรียน"
			}
			args = append(args, r.ID, r.PID, r.School, r.Title, r.Given, r.Middle, r.Family,
				r.TitleEN, r.GivenEN, r.MiddleEN, r.FamilyEN, r.Phone, r.Email, r.Status, reason, decidedBy,
				r.CreatedAt, decided)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			t.Fatalf("seed registrations: %v", err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return seed
}

// Common Thai given names (men's, women's) and family names, and villages of
// Buri Ram that schools are named after.
var (
	menNames = []string{"สมชาย", "สมศักดิ์", "ประเสริฐ", "วิชัย", "สุรชัย", "ธนวัฒน์", "กิตติพัฒน์", "อนุชา", "ชัยวัฒน์",
		"สุรเชษฐ์", "ณัฐพล", "พงศกร", "อภิชาติ", "วีระพงษ์", "ประยุทธ", "สมบัติ", "บุญมี", "ทองดี", "เกียรติศักดิ์",
		"ศุภชัย", "ธีรพงษ์", "จักรพันธ์", "ปิยะพงษ์", "วรวุฒิ", "สุทธิพงษ์"}
	womenNames = []string{"สมหญิง", "มาลี", "พิมพ์ชนก", "สุภาพร", "วิไลวรรณ", "กาญจนา", "นงลักษณ์", "รัตนา", "ศิริพร",
		"อรุณี", "จันทร์เพ็ญ", "ปราณี", "สุนิสา", "ณัฐธิดา", "พรทิพย์", "ลำดวน", "บุษบา", "วาสนา", "อัญชลี",
		"เบญจวรรณ", "ธิดารัตน์", "ขวัญใจ", "ปวีณา", "สายสุนีย์", "กนกวรรณ"}
	familyNames = []string{"ใจดี", "สุขสวัสดิ์", "รัตนพันธ์", "ศรีสุข", "วงศ์ทอง", "บุญมา", "แก้วมณี", "ทองคำ", "สมบูรณ์",
		"ศรีสวัสดิ์", "พรหมมา", "จันทร์แก้ว", "บุญเรือง", "สายสุวรรณ", "ประเสริฐศักดิ์", "ชัยมงคล", "แสงอรุณ",
		"ดวงดี", "มั่นคง", "เจริญสุข", "นาคสุข", "ปัญญาดี", "อินทร์แก้ว", "ศรีบุรีรัมย์", "โคตรพันธ์", "หอมจันทร์",
		"บุญยืน", "พิมพ์ทอง", "สีดา", "ละเอียด", "กองแก้ว", "ทองสุข"}
	villages = []string{"หนองตาด", "โคกเมือง", "หนองกี่", "ละหานทราย", "โนนดินแดง", "ปะคำ", "ลำนางรอง", "สะเดา", "ถนนหัก",
		"หนองโบสถ์", "ทุ่งแสงทอง", "หนองยายพิมพ์", "สายตะกู", "ชุมแสง", "ทรัพย์พระยา", "หนองไทร", "ป่ามะม่วง",
		"โคกสูง", "หัวถนน", "เขาคอก", "หนองกง", "ดอนอะราง", "ตะโก", "หนองสองห้อง", "โนนสุวรรณ", "ทุ่งจังหัน",
		"สำโรง", "โคกกลาง", "หนองหว้า", "ตาเป๊ก", "อีสานเขต", "ละเวี้ย", "โคกย่าง", "หนองม่วง", "บุกระสัง",
		"หนองขมาร", "ถาวร", "โนนเจริญ", "สระแก้ว", "หนองแวง"}
	villageSuffixes = []string{"", "ใหญ่", "น้อย", "เหนือ", "ใต้", "พัฒนา", "สามัคคี", "ราษฎร์บำรุง", "วิทยา", "โนนงาม"}
)

// bigSeed builds the schools and registrations SeedBigArea writes.
func bigSeed() BigSeed {
	var seed BigSeed
	areas := append([]string{BigArea}, bigOtherAreas...)
	schools := map[string][]string{}
	for ai, area := range areas {
		for i := range BigAreaSchools {
			code := "10" + area + fmt.Sprintf("%04d", i+1) // as the sample's: 1031030001
			v := (i + ai*7) % len(villages)
			name := "โรงเรียนบ้าน" + villages[v] + villageSuffixes[(i/len(villages))%len(villageSuffixes)]
			seed.Schools = append(seed.Schools, BigSchool{Code: code, Area: area, Name: name})
			schools[area] = append(schools[area], code)
		}
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	add := func(school, area, status string) {
		i := len(seed.Registrations)
		r := BigRegistration{ID: fmt.Sprintf("%032x", 0xb16000000+i), PID: bigPID(i), School: school, Area: area, Status: status,
			Family: familyNames[(i/3)%len(familyNames)], CreatedAt: start.Add(time.Duration(i) * 3 * time.Minute),
			Phone: fmt.Sprintf("08%08d", (i*7919)%100000000), Email: fmt.Sprintf("teacher%d@school.example.ac.th", i)}
		switch i % 3 {
		case 0:
			r.Title, r.Given = "นาย", menNames[(i/7)%len(menNames)]
		case 1:
			r.Title, r.Given = "นาง", womenNames[(i/5)%len(womenNames)]
		default:
			r.Title, r.Given = "นางสาว", womenNames[(i/11)%len(womenNames)]
		}
		if i%50 == 49 {
			r.Title, r.Given, r.Middle, r.Family = "นาย", "จอห์น", "ไมเคิล", "สมิธ"
			r.TitleEN, r.GivenEN, r.MiddleEN, r.FamilyEN = "Mr.", "John", "Michael", "Smith"
		}
		seed.Registrations = append(seed.Registrations, r)
	}
	// Interleaved in time, as they arrive: the big area's pending, the other
	// areas' approved and pending, and rejected ones everywhere.
	for i := range BigAreaSchools {
		for _, area := range bigOtherAreas {
			add(schools[area][i], area, "approved")
		}
		add(schools[BigArea][i], BigArea, "pending")
		for _, area := range bigOtherAreas {
			add(schools[area][i], area, "pending")
		}
		add(schools[BigArea][i], BigArea, "pending")
	}
	for i := 0; len(seed.Registrations) < BigTotal; i++ {
		area := BigArea
		if i >= BigAreaRejected {
			area = bigOtherAreas[i%len(bigOtherAreas)]
		}
		add(schools[area][(i*13)%BigAreaSchools], area, "rejected")
	}
	return seed
}

// bigPID returns a valid citizen ID for the i-th registration: 17, ten
// digits of i, and the check digit.
func bigPID(i int) string {
	d := fmt.Sprintf("17%010d", i)
	sum := 0
	for k := range 12 {
		sum += int(d[k]-'0') * (13 - k)
	}
	return d + fmt.Sprint((11-sum%11)%10)
}
