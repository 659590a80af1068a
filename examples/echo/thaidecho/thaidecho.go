package thaidecho

import (
	"github.com/labstack/echo/v4"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/thaid"
)

// Identity returns the signed-in citizen's identity that auth.Require or auth.Optional (mounted
// with echo.WrapMiddleware) attached to c's request, and whether there is one. Its PID prints
// masked (1-1017-xxxxx-70-8); PID.Digits gives the digits.
func Identity(c echo.Context) (*thaid.Identity, bool) {
	return middleware.IdentityFrom(c.Request().Context())
}

// Session returns the signed-in citizen's whole session (with the UserID that
// middleware.Config.OnLogin chose) that auth.Require or auth.Optional attached to c's request.
func Session(c echo.Context) (*middleware.Session, bool) {
	return middleware.SessionFrom(c.Request().Context())
}
