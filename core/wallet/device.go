package wallet

import "time"

// Platform is a device's operating platform.
type Platform string

// Platforms.
const (
	PlatformAndroid Platform = "android"
	PlatformIOS     Platform = "ios"
	PlatformWeb     Platform = "web"
)

// ParsePlatform returns the platform named s (exact, lower case).
func ParsePlatform(s string) (Platform, bool) {
	switch p := Platform(s); p {
	case PlatformAndroid, PlatformIOS, PlatformWeb:
		return p, true
	}
	return "", false
}

// MaxDeviceTokenLen and MaxDeviceNameLen bound device fields (characters).
const (
	MaxDeviceTokenLen = 255
	MaxDeviceNameLen  = 255
)

// Device is a field device registered by a programme for sync.
type Device struct {
	ID           string // uuid
	Programme    string
	Token        string // chosen by the device, unique per programme
	Name         string
	Platform     Platform
	SecretSealed string // the device secret, sealed (identity.SecretBox); never shown
	RegisteredAt time.Time
	LastSync     *time.Time
}

// Sync is one sync of a device: which passes it was sent.
type Sync struct {
	Token        string // uuid, the sync_token
	Programme    string
	DeviceToken  string
	PassesSynced int
	SyncedAt     time.Time
}

// Counts are a programme's wallet figures at a moment.
type Counts struct {
	Total             int
	Active            int
	Revoked           int
	Expired           int
	DevicesRegistered int
}
