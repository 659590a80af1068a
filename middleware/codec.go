package middleware

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// The plaintexts that the middleware seals (session records, login cookies) are fields in a
// row: fixed-size big-endian integers, varints, single bytes, and byte strings preceded by their
// length as a uvarint. encoder writes them; decoder reads them back from a string, so that the
// strings it returns are parts of that one string and cost no copy.

// errRecord reports a plaintext that does not decode: never expected from a value that opened.
var errRecord = errors.New("middleware: malformed sealed record")

// maxDepth bounds the nesting of the values that a decoder reads (arrays and objects in claims).
const maxDepth = 32

type encoder struct{ b []byte }

func (e *encoder) byte(c byte) { e.b = append(e.b, c) }

func (e *encoder) int64(v int64) { e.b = binary.BigEndian.AppendUint64(e.b, uint64(v)) }

func (e *encoder) varint(v int64) { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) uvarint(n int) { e.b = binary.AppendUvarint(e.b, uint64(n)) }

func (e *encoder) float64(f float64) { e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(f)) }

func (e *encoder) string(s string) {
	e.uvarint(len(s))
	e.b = append(e.b, s...)
}

func (e *encoder) bytes(p []byte) {
	e.uvarint(len(p))
	e.b = append(e.b, p...)
}

// time writes t to the nanosecond (any year that time.Time holds), 0 for the zero time. Its
// location is not kept: it reads back in UTC.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.byte(0)
		return
	}
	e.byte(1)
	e.varint(t.Unix())
	e.uvarint(t.Nanosecond())
}

type decoder struct {
	s   string
	bad bool
}

func (d *decoder) need(n int) bool {
	if d.bad || n < 0 || len(d.s) < n {
		d.bad = true
		return false
	}
	return true
}

func (d *decoder) byte() byte {
	if !d.need(1) {
		return 0
	}
	c := d.s[0]
	d.s = d.s[1:]
	return c
}

func (d *decoder) uint64() uint64 {
	if !d.need(8) {
		return 0
	}
	var v uint64
	for i := range 8 {
		v = v<<8 | uint64(d.s[i])
	}
	d.s = d.s[8:]
	return v
}

func (d *decoder) int64() int64 { return int64(d.uint64()) }

func (d *decoder) float64() float64 { return math.Float64frombits(d.uint64()) }

// uvarint reads an unsigned varint (binary.Uvarint's encoding, on a string).
func (d *decoder) uvarint() uint64 {
	var v uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if !d.need(1) {
			return 0
		}
		c := d.s[0]
		d.s = d.s[1:]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break // overflow
			}
			return v | uint64(c)<<(7*i)
		}
		v |= uint64(c&0x7f) << (7 * i)
	}
	d.bad = true
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// count reads a uvarint that counts bytes or items still to come: it cannot exceed what is left.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.bad = true
		return 0
	}
	return int(n)
}

// string returns the next byte string, as a part of the input.
func (d *decoder) string() string {
	n := d.count()
	if !d.need(n) {
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *decoder) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
		sec, nsec := d.varint(), d.uvarint()
		if nsec >= 1e9 {
			d.bad = true
			return time.Time{}
		}
		return time.Unix(sec, int64(nsec)).UTC()
	}
	d.bad = true
	return time.Time{}
}

// end reports errRecord when the input was malformed or has bytes left.
func (d *decoder) end() error {
	if d.bad || d.s != "" {
		return errRecord
	}
	return nil
}
