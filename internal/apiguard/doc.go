// Package apiguard lists the exported API of the SDK's packages, one line per exported name,
// so that a test can hold it against the record kept in the repository (api/*.txt) and fail on
// any change that the record and the changelog do not show.
//
// The listing is read from the source with go/ast, as it is written: a function's parameter
// names are left out (renaming one breaks no caller), its types are kept as spelled. Exported
// struct fields, interface methods and the methods of exported types each get a line of their
// own. Constants and variables keep their initialising expression when they have no type, so a
// changed default (a value in DefaultScopes, say) shows up too.
package apiguard
