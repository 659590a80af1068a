package main

// A test file is not part of the copy, so CheckCopy does not read its imports: this one names an
// internal package of another module (golang.org/x/oauth2's), which the copy would refuse. The
// fixture's tests are never compiled.
import _ "golang.org/x/oauth2/internal"
