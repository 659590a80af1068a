package mockprovider

// Names for the package's external tests only: they are not part of the API.
var (
	AllScopes        = allScopes
	MaskPID          = maskPID
	ValidatePID      = validatePID
	ValidatePassword = validatePassword
)
