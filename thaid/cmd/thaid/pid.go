package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/thaid-go/thaid-go/thaid"
)

const pidSynopsis = `thaid pid check PID...      validate citizen IDs (mod-11 check digit)
       thaid pid mask PID...       print citizen IDs masked, as logs should show them
       thaid pid generate [-n N]   print valid fictional citizen IDs for tests`

const pidExamples = `  thaid pid check 1112034563562 1-1017-00230-70-8
  thaid pid mask 1112034563562          # 1-1120-xxxxx-56-2
  thaid pid generate -n 3
`

func runPID(ctx context.Context, e env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintf(e.stderr, "Usage: %s\n\nExamples:\n%s", pidSynopsis, pidExamples)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(e.stdout, "Usage: %s\n\nExamples:\n%s", pidSynopsis, pidExamples)
		return exitOK
	case "check":
		return runPIDCheck(e, args[1:])
	case "mask":
		return runPIDMask(e, args[1:])
	case "generate":
		return runPIDGenerate(e, args[1:])
	}
	return fail(e, "pid", exitUsage, "unknown subcommand %q: use check, mask or generate", args[0])
}

// pidReasons explains each thaid.PIDError rule, in Thai and English.
var pidReasons = map[string]string{
	thaid.PIDRuleEmpty:      "ว่างเปล่า / empty",
	thaid.PIDRuleCharacters: "มีอักขระที่ไม่ใช่ตัวเลข ขีด หรือช่องว่าง / has characters other than digits, dashes and spaces",
	thaid.PIDRuleLength:     "ต้องมี 13 หลัก / must have 13 digits",
	thaid.PIDRuleFirstDigit: "หลักแรกต้องเป็น 0 ถึง 8 / the first digit must be 0 to 8",
	thaid.PIDRuleCheckDigit: "หลักตรวจสอบ (หลักที่ 13) ไม่ถูกต้อง / the check digit (13th digit) is wrong",
}

func runPIDCheck(e env, args []string) int {
	fs := newFlagSet(e, "pid check", "thaid pid check [-show-pid] PID...\n\nChecks each citizen ID: 13 digits (dashes and spaces allowed), first digit 0 to 8,\nand the mod-11 check digit. Exits 1 when any is invalid, with the reason in Thai and English.",
		"  thaid pid check 1112034563562\n  thaid pid check 1-1017-00230-70-8 3100400123456\n")
	show := fs.Bool("show-pid", false, "print valid PIDs in full instead of masked")
	if st := parseFlags(e, fs, args); st >= 0 {
		return st
	}
	if fs.NArg() == 0 {
		return fail(e, "pid check", exitUsage, "no PID given")
	}
	status := exitOK
	for _, a := range fs.Args() {
		p, err := thaid.ParsePID(a)
		if err != nil {
			status = exitFail
			var pe *thaid.PIDError
			reason := err.Error()
			shown := thaid.MaskPID(a)
			if errors.As(err, &pe) {
				if r, ok := pidReasons[pe.Rule]; ok {
					reason = r
				}
				shown = pe.Input
			}
			fmt.Fprintf(e.stdout, "invalid  %s: %s\n", shown, reason)
			continue
		}
		shown := p.Masked()
		if *show {
			shown = p.Digits()
		}
		fmt.Fprintf(e.stdout, "valid    %s (%s)\n", shown, p.Kind())
	}
	return status
}

func runPIDMask(e env, args []string) int {
	fs := newFlagSet(e, "pid mask", "thaid pid mask PID...\n\nPrints each citizen ID masked (1-1017-xxxxx-70-8), the form for logs and screens.\nA 13-digit number is masked even when its check digit is wrong.",
		"  thaid pid mask 1101700230708\n")
	if st := parseFlags(e, fs, args); st >= 0 {
		return st
	}
	if fs.NArg() == 0 {
		return fail(e, "pid mask", exitUsage, "no PID given")
	}
	status := exitOK
	for _, a := range fs.Args() {
		if p, err := thaid.ParsePID(a); err == nil {
			fmt.Fprintln(e.stdout, p.Masked())
			continue
		}
		m := thaid.MaskPID(strings.TrimSpace(a))
		if m == strings.TrimSpace(a) {
			status = exitFail
			fmt.Fprintf(e.stderr, "thaid pid mask: %q is not a 13-digit citizen ID\n", a)
			continue
		}
		fmt.Fprintln(e.stdout, m)
	}
	return status
}

// fictionalOffice is the registration-office code (digits 2 to 5) of every
// generated PID. No province has code 00 (they run from 10, Bangkok, to 96,
// Narathiwat), so no citizen's ID starts 1-00: a generated PID is valid but
// belongs to nobody.
const fictionalOffice = "00"

func runPIDGenerate(e env, args []string) int {
	fs := newFlagSet(e, "pid generate", "thaid pid generate [-n N] [-first-digit D]\n\nPrints N valid fictional citizen IDs (mod-11 check digit), in full, for tests. Their\nfirst digit is D (default 1: a Thai citizen born from 1984 and registered on time,\nthe most common kind) and their province code is 00, which no province has, so\nthat they cannot be a real person's.",
		"  thaid pid generate\n  thaid pid generate -n 5 -first-digit 8\n")
	n := fs.Int("n", 1, "how many PIDs")
	first := fs.Int("first-digit", 1, "first digit (kind of person), 0 to 8")
	if st := parseFlags(e, fs, args); st >= 0 {
		return st
	}
	if fs.NArg() > 0 {
		return fail(e, "pid generate", exitUsage, "unexpected arguments %q", fs.Args())
	}
	if *n < 1 || *n > 100000 {
		return fail(e, "pid generate", exitUsage, "-n must be between 1 and 100000")
	}
	if *first < 0 || *first > 8 {
		return fail(e, "pid generate", exitUsage, "-first-digit must be 0 to 8")
	}
	for range *n {
		p, err := fictionalPID(*first)
		if err != nil {
			return fail(e, "pid generate", exitFail, "%v", err)
		}
		fmt.Fprintln(e.stdout, p.Digits())
	}
	return exitOK
}

// fictionalPID returns a random valid PID with the given first digit and the
// province code 00. The check digit is the one of the ten candidates that
// thaid.ParsePID accepts, so the rule has one home.
func fictionalPID(first int) (thaid.PID, error) {
	body := fmt.Sprintf("%d%s%09d", first, fictionalOffice, rand.IntN(1e9)) // 9 random digits
	for d := range 10 {
		if p, err := thaid.ParsePID(body + strconv.Itoa(d)); err == nil {
			return p, nil
		}
	}
	return thaid.PID{}, fmt.Errorf("no check digit found for %s", thaid.MaskPID(body+"0"))
}
