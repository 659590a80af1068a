package main

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// trustedProxies are the addresses of the reverse proxies whose
// X-Forwarded-For the app believes (TRUSTED_PROXIES): single addresses and
// networks.
type trustedProxies []netip.Prefix

// parseTrustedProxies reads TRUSTED_PROXIES: IP addresses and networks in
// CIDR notation (e.g. "127.0.0.1, ::1" or "10.0.0.0/8"), separated by commas
// or spaces. A network must be written with its host bits zero.
func parseTrustedProxies(v string) (trustedProxies, error) {
	var out trustedProxies
	for _, f := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
		var p netip.Prefix
		var err error
		if strings.Contains(f, "/") {
			if p, err = netip.ParsePrefix(f); err == nil && p != p.Masked() {
				err = fmt.Errorf("host bits set: did you mean %s?", p.Masked())
			}
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(f); err == nil {
				a = a.Unmap()
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%w: TRUSTED_PROXIES entry %q: want an IP address or a network such as 10.0.0.0/8: %v",
				errConfig, f, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// trusts reports whether a is one of the trusted proxies.
func (t trustedProxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// client returns the address of the client that sent r. When the connection
// comes from a trusted proxy, it walks X-Forwarded-For (every line, in
// order) from the right, past the trusted proxies, to the first address that
// is not one: the client as the nearest trusted proxy saw it. Entries to the
// left of that one were written by somebody the app does not trust (a client
// may send the header with anything in it) and are never used. When an entry
// is not an address, the walk stops at the trusted hop that passed it on.
func (t trustedProxies) client(r *http.Request) netip.Addr {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	addr := peer.Addr().Unmap()
	if len(t) == 0 || !t.trusts(addr) {
		return addr
	}
	var hops []string
	for _, line := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(line, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(strings.TrimSpace(hops[i]))
		if !ok {
			return addr
		}
		addr = hop
		if !t.trusts(addr) {
			return addr
		}
	}
	return addr
}

// parseHop reads an X-Forwarded-For entry: an IP address, perhaps with a
// port ("198.51.100.7:4711", "[2001:db8::7]:443").
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// realClient makes the request's RemoteAddr the client's address (port 0
// when it comes from X-Forwarded-For), so that the request log, and any
// per-client limit, see the client and not the proxy.
func realClient(t trustedProxies, next http.Handler) http.Handler {
	if len(t) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := t.client(r); c.IsValid() {
			if peer, err := netip.ParseAddrPort(r.RemoteAddr); err != nil || peer.Addr().Unmap() != c {
				r = r.WithContext(r.Context()) // a shallow copy: the caller's request stays as it was
				r.RemoteAddr = netip.AddrPortFrom(c, 0).String()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientHost is the client's address of a request, as logs show it.
func clientHost(r *http.Request) string {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap().String()
	}
	return r.RemoteAddr
}
