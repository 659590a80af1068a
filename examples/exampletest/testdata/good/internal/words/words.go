// Package words is an internal package of the example itself: it comes along in the copy.
package words

// Hello is a greeting.
const Hello = "สวัสดี"
