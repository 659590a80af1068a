module github.com/thaid-go/thaid-go/examples/exampletest/testdata/bad

go 1.25.0

require github.com/thaid-go/thaid-go v0.0.0

replace github.com/thaid-go/thaid-go => ../../../..
