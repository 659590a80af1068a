package mockprovider

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them; use errors.Is.
var (
	// ErrInvalidOptions: Options rejected by New.
	ErrInvalidOptions = errors.New("mockprovider: invalid options")
	// ErrInvalidProfile: a provider profile that LoadProfile or New refuses.
	ErrInvalidProfile = errors.New("mockprovider: invalid profile")
	// ErrInvalidCitizen: a citizen has an invalid PID, password or date (see validateCitizen).
	ErrInvalidCitizen = errors.New("mockprovider: invalid citizen")
	// ErrUnknownCitizen: no citizen with that PID.
	ErrUnknownCitizen = errors.New("mockprovider: unknown citizen")
	// ErrUnknownRef: no QR login with that reference code.
	ErrUnknownRef = errors.New("mockprovider: unknown reference")
	// ErrNotPending: the QR login was already approved or denied.
	ErrNotPending = errors.New("mockprovider: login no longer pending")
	// ErrQRExpired: the QR login is older than Options.QRTTL.
	ErrQRExpired = errors.New("mockprovider: QR code expired")
	// ErrUnknownKey: no signing key with that kid.
	ErrUnknownKey = errors.New("mockprovider: unknown key")
	// ErrActiveKey: the active signing key cannot be retired; rotate first.
	ErrActiveKey = errors.New("mockprovider: cannot retire the active key")
	// ErrUnknownAlg: an algorithm other than ES256 or RS256.
	ErrUnknownAlg = errors.New("mockprovider: unsupported algorithm")
	// ErrInvalidFault: a fault that cannot be queued as given (see QueueForeignKeyToken).
	ErrInvalidFault = errors.New("mockprovider: invalid fault")
)
