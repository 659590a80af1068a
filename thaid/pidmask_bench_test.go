//go:build unix

package thaid

import "testing"

// BenchmarkMaskPID measures MaskPID on the texts a log sees: without digits (the common case,
// which must cost no allocation), with short digit runs (a time, a date), and with a PID. Like
// BenchmarkVerify, it reports the process's CPU time per call (cpu-ns/op) beside the wall time.
func BenchmarkMaskPID(b *testing.B) {
	for _, bb := range []struct{ name, text string }{
		{"no-digits-ascii", `level=INFO msg="thaid login succeeded" user_id=somchai reason=ok path=/private/report`},
		{"no-digits-thai", "ผู้ใช้ นาย สมชาย ใจดี เข้าสู่ระบบสำเร็จ ที่หน้ารายงานของโรงเรียน"},
		{"short-runs", `time=2026-12-01T10:00:00Z exp=1767225600 status=200 took=15ms`},
		{"one-pid", `level=WARN msg="thaid login failed" sub=1101700230708 reason=invalid_grant`},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.text)))
			start := processCPU()
			for b.Loop() {
				_ = MaskPID(bb.text)
			}
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}
