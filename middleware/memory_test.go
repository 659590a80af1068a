package middleware_test

import (
	"testing"

	"github.com/thaid-go/thaid-go/middleware"
	"github.com/thaid-go/thaid-go/middleware/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) middleware.Store { return middleware.NewMemoryStore() })
}

func TestMemoryStoreSealed(t *testing.T) {
	storetest.RunSealed(t, middleware.NewMemoryStore(), nil)
}

func TestMemoryStoreOneRefresh(t *testing.T) {
	storetest.RunOneRefresh(t, middleware.NewMemoryStore())
}

func TestMemoryStoreLogoutDuringRefresh(t *testing.T) {
	storetest.RunLogoutDuringRefresh(t, middleware.NewMemoryStore())
}
