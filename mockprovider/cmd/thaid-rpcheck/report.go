package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"time"
)

// printResult writes a case's line: "PASS name" or "FAIL name: what the RP did".
func printResult(w io.Writer, res result) {
	if res.out.pass {
		fmt.Fprintf(w, "PASS %s\n", res.tc.name)
		return
	}
	fmt.Fprintf(w, "FAIL %s: %s\n", res.tc.name, res.out.detail)
}

// printSummary writes the last line, "N/M cases passed", and returns N.
func printSummary(w io.Writer, results []result) int {
	n := 0
	for _, res := range results {
		if res.out.pass {
			n++
		}
	}
	fmt.Fprintf(w, "%d/%d cases passed\n", n, len(results))
	return n
}

func writeReports(cfg config, results []result) error {
	if cfg.jsonFile != "" {
		if err := writeFile(cfg.jsonFile, func(w io.Writer) error { return writeJSON(w, results) }); err != nil {
			return err
		}
	}
	if cfg.junitFile != "" {
		return writeFile(cfg.junitFile, func(w io.Writer) error { return writeJUnit(w, results) })
	}
	return nil
}

func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	return f.Close()
}

// jsonReport is the -json file.
type jsonReport struct {
	Passed int        `json:"passed"`
	Total  int        `json:"total"`
	Cases  []jsonCase `json:"cases"`
}

type jsonCase struct {
	Name         string  `json:"name"`
	Passed       bool    `json:"passed"`
	Unobservable bool    `json:"unobservable"` // the case failed because its outcome could not be observed
	Detail       string  `json:"detail"`       // what the RP did
	Sends        string  `json:"sends"`
	Expect       string  `json:"expect"`
	Reference    string  `json:"reference"`
	Seconds      float64 `json:"seconds"`
}

func writeJSON(w io.Writer, results []result) error {
	rep := jsonReport{Total: len(results), Cases: []jsonCase{}}
	for _, res := range results {
		if res.out.pass {
			rep.Passed++
		}
		rep.Cases = append(rep.Cases, jsonCase{
			Name: res.tc.name, Passed: res.out.pass, Unobservable: res.out.unobservable, Detail: res.out.detail,
			Sends: res.tc.sends, Expect: res.tc.expect, Reference: res.tc.ref, Seconds: res.took.Seconds(),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// JUnit XML, as CI systems read it: one testsuite per group, one testcase per case.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func writeJUnit(w io.Writer, results []result) error {
	out := junitSuites{Name: "thaid-rpcheck", Tests: len(results)}
	var total, suiteTime time.Duration
	var suite *junitSuite
	for _, res := range results {
		if name := "thaid-rpcheck." + res.tc.group(); suite == nil || suite.Name != name {
			out.Suites = append(out.Suites, junitSuite{Name: name})
			suite, suiteTime = &out.Suites[len(out.Suites)-1], 0
		}
		doc := fmt.Sprintf("sends: %s\nexpect: %s\nreference: %s\n", res.tc.sends, res.tc.expect, res.tc.ref)
		c := junitCase{Name: res.tc.name, Classname: suite.Name, Time: seconds(res.took), SystemOut: doc}
		if !res.out.pass {
			typ := "rp-failed"
			if res.out.unobservable {
				typ = "unobservable"
			}
			c.Failure = &junitFailure{Message: res.out.detail, Type: typ, Text: res.out.detail + "\n\n" + doc}
			suite.Failures++
			out.Failures++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, c)
		suiteTime += res.took
		suite.Time = seconds(suiteTime)
		total += res.took
	}
	out.Time = seconds(total)
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}
