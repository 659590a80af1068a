package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaid-go/thaid-go/middleware"
)

// Run runs the conformance suite. newStore returns an empty store for each subtest (or a store
// under a fresh key prefix); it may register cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) middleware.Store) {
	ctx := context.Background()
	const ttl = time.Minute

	t.Run("GetMissing", func(t *testing.T) {
		st := newStore(t)
		if _, err := st.Get(ctx, "s:missing"); !errors.Is(err, middleware.ErrNotFound) {
			t.Errorf("Get(missing) error = %v, want ErrNotFound", err)
		}
		if err := st.Delete(ctx, "s:missing"); err != nil {
			t.Errorf("Delete(missing) = %v, want nil", err)
		}
	})

	t.Run("AddOnce", func(t *testing.T) {
		st := newStore(t)
		value := []byte("first")
		mustAdd(t, st, "s:k", value, ttl, true)
		value[0] = 'X' // the store keeps its own copy
		mustAdd(t, st, "s:k", []byte("second"), ttl, false)
		mustGet(t, st, "s:k", "first")
	})

	t.Run("BinaryValues", func(t *testing.T) {
		st := newStore(t)
		v := make([]byte, 4096)
		for i := range v {
			v[i] = byte(i)
		}
		key := "s:" + string(bytes.Repeat([]byte("K"), 62)) // 64 bytes, the longest key
		mustAdd(t, st, key, v, ttl, true)
		mustGet(t, st, key, string(v))
	})

	t.Run("KeysAreIndependent", func(t *testing.T) {
		st := newStore(t)
		mustAdd(t, st, "s:a", []byte("a"), ttl, true)
		mustAdd(t, st, "l:a", []byte("lock"), ttl, true)
		mustAdd(t, st, "s:b", []byte("b"), ttl, true)
		if err := st.Delete(ctx, "s:a"); err != nil {
			t.Fatal(err)
		}
		mustMissing(t, st, "s:a")
		mustGet(t, st, "l:a", "lock")
		mustGet(t, st, "s:b", "b")
	})

	t.Run("CompareAndSwap", func(t *testing.T) {
		st := newStore(t)
		mustAdd(t, st, "s:k", []byte("v1"), ttl, true)
		if ok, err := st.CompareAndSwap(ctx, "s:k", []byte("stale"), []byte("v2"), ttl); err != nil || ok {
			t.Errorf("CompareAndSwap(wrong old) = %v, %v; want false", ok, err)
		}
		mustGet(t, st, "s:k", "v1")
		newValue := []byte("v2")
		if ok, err := st.CompareAndSwap(ctx, "s:k", []byte("v1"), newValue, ttl); err != nil || !ok {
			t.Errorf("CompareAndSwap(right old) = %v, %v; want true", ok, err)
		}
		newValue[0] = 'X'
		mustGet(t, st, "s:k", "v2")
		if ok, err := st.CompareAndSwap(ctx, "s:gone", []byte("v1"), []byte("v2"), ttl); err != nil || ok {
			t.Errorf("CompareAndSwap(missing key) = %v, %v; want false", ok, err)
		}
		mustMissing(t, st, "s:gone") // nothing created: a logged-out session stays gone
	})

	t.Run("CompareAndDelete", func(t *testing.T) {
		st := newStore(t)
		mustAdd(t, st, "l:k", []byte("mine"), ttl, true)
		if ok, err := st.CompareAndDelete(ctx, "l:k", []byte("theirs")); err != nil || ok {
			t.Errorf("CompareAndDelete(wrong old) = %v, %v; want false", ok, err)
		}
		mustGet(t, st, "l:k", "mine")
		if ok, err := st.CompareAndDelete(ctx, "l:k", []byte("mine")); err != nil || !ok {
			t.Errorf("CompareAndDelete(right old) = %v, %v; want true", ok, err)
		}
		mustMissing(t, st, "l:k")
		if ok, err := st.CompareAndDelete(ctx, "l:k", []byte("mine")); err != nil || ok {
			t.Errorf("CompareAndDelete(missing) = %v, %v; want false", ok, err)
		}
	})

	t.Run("TTL", func(t *testing.T) {
		// Stores keep time on their own clock (Redis's, for one), so this waits, briefly.
		st := newStore(t)
		mustAdd(t, st, "s:short", []byte("v"), 20*time.Millisecond, true)
		mustAdd(t, st, "s:long", []byte("v"), ttl, true)
		mustExpire(t, st, "s:short", "a value was still returned 5 s after its 20 ms TTL")
		if ok, err := st.CompareAndSwap(ctx, "s:short", []byte("v"), []byte("w"), ttl); err != nil || ok {
			t.Errorf("CompareAndSwap(expired) = %v, %v; want false", ok, err)
		}
		mustAdd(t, st, "s:short", []byte("again"), ttl, true) // an expired value does not block Add
		mustGet(t, st, "s:short", "again")
		mustGet(t, st, "s:long", "v")
		// A swap sets the new TTL.
		if ok, err := st.CompareAndSwap(ctx, "s:long", []byte("v"), []byte("w"), 20*time.Millisecond); err != nil || !ok {
			t.Fatalf("CompareAndSwap = %v, %v", ok, err)
		}
		mustExpire(t, st, "s:long", "a swapped value outlived its new 20 ms TTL by 5 s")
	})

	t.Run("ConcurrentAdd", func(t *testing.T) {
		st := newStore(t)
		wins := race(t, 16, func() (bool, error) { return st.Add(ctx, "l:race", []byte("x"), ttl) })
		if wins != 1 {
			t.Errorf("%d of 16 concurrent Adds succeeded, want exactly 1", wins)
		}
	})

	t.Run("ConcurrentCompareAndSwap", func(t *testing.T) {
		st := newStore(t)
		mustAdd(t, st, "s:race", []byte("v0"), ttl, true)
		var n atomic.Int32
		wins := race(t, 16, func() (bool, error) {
			return st.CompareAndSwap(ctx, "s:race", []byte("v0"), []byte(fmt.Sprint("v", n.Add(1))), ttl)
		})
		if wins != 1 {
			t.Errorf("%d of 16 concurrent swaps from one value succeeded, want exactly 1", wins)
		}
	})

	t.Run("ConcurrentCompareAndDelete", func(t *testing.T) {
		st := newStore(t)
		mustAdd(t, st, "l:race", []byte("mine"), ttl, true)
		wins := race(t, 16, func() (bool, error) { return st.CompareAndDelete(ctx, "l:race", []byte("mine")) })
		if wins != 1 {
			t.Errorf("%d of 16 concurrent deletes succeeded, want exactly 1", wins)
		}
	})
}

// race runs f in n goroutines at once and returns how many reported true.
func race(t *testing.T, n int, f func() (bool, error)) int {
	t.Helper()
	var wg sync.WaitGroup
	var wins atomic.Int32
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := f()
			if err != nil {
				t.Errorf("concurrent call: %v", err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	return int(wins.Load())
}

func mustAdd(t *testing.T, st middleware.Store, key string, v []byte, ttl time.Duration, want bool) {
	t.Helper()
	ok, err := st.Add(context.Background(), key, v, ttl)
	if err != nil || ok != want {
		t.Fatalf("Add(%q) = %v, %v; want %v", key, ok, err, want)
	}
}

func mustGet(t *testing.T, st middleware.Store, key, want string) {
	t.Helper()
	got, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if string(got) != want {
		t.Fatalf("Get(%q) = %.40q, want %.40q", key, got, want)
	}
}

// mustExpire waits up to 5 s, on the store's own clock, for key to hold no value, and fails
// with msg if it still does.
func mustExpire(t *testing.T, st middleware.Store, key, msg string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		_, err := st.Get(context.Background(), key)
		if errors.Is(err, middleware.ErrNotFound) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
	}
}

func mustMissing(t *testing.T, st middleware.Store, key string) {
	t.Helper()
	if v, err := st.Get(context.Background(), key); !errors.Is(err, middleware.ErrNotFound) {
		t.Fatalf("Get(%q) = %.40q, %v; want ErrNotFound", key, v, err)
	}
}
