// Package exampletest checks the framework examples under examples/ (chi, Gin, Echo, Fiber) from
// their tests:
//
//   - CheckRun runs an example's command (its run function, as main calls it): with the demo
//     mock, with a provider given by THAID_ISSUER through a whole login, with DOPA's sandbox
//     endpoints, and misconfigured;
//   - CheckFlow walks a login through the example's router header by header;
//   - CheckCopy copies the example into a module of its own, as a user does, and builds it.
//
// It is imported from the examples' _test.go files only: an example copied into another module
// must not need it (CheckCopy checks that no file of the copy imports an internal package). It is a
// module of its own beside the examples, so that the SDK's module does not carry it.
package exampletest
