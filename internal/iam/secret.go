package iam

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Password hashing: PBKDF2-HMAC-SHA512, the iteration count OWASP recommends,
// a 16-byte random salt; encoded as "pbkdf2-sha512$<iter>$<salt>$<hash>"
// (base64url, no padding) so the cost can be raised later without breaking
// stored hashes.
const (
	passwordIterations = 210_000
	passwordKeyLen     = 32
	passwordScheme     = "pbkdf2-sha512"
)

// HashPassword returns the encoded salted hash of password at the default
// cost.
func HashPassword(password string) (string, error) {
	return hashPasswordCost(password, passwordIterations)
}

func hashPasswordCost(password string, iter int) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return hashWith(password, salt, iter)
}

func hashWith(password string, salt []byte, iter int) (string, error) {
	key, err := pbkdf2.Key(sha512.New, password, salt, iter, passwordKeyLen)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return fmt.Sprintf("%s$%d$%s$%s", passwordScheme, iter, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash. The
// comparison is constant-time.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != passwordScheme {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 || iter > 10_000_000 {
		return false
	}
	salt, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return false
	}
	want, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil {
		return false
	}
	got, err := pbkdf2.Key(sha512.New, password, salt, iter, len(want))
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got, want) == 1
}

const (
	alnumUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	alnumMixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString returns n characters drawn uniformly from alphabet.
func randomString(n int, alphabet string) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet)
	for i := 0; i < n; {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		if int(buf[0]) >= limit {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}

// NewID returns a new identifier of 32 lower-case hex characters, the shape
// Huawei uses for account, user and project IDs.
func NewID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// NewAccessKey returns a new 20-character access key ID.
func NewAccessKey() string { return randomString(20, alnumUpper) }

// NewSecretKey returns a new 40-character secret access key.
func NewSecretKey() string { return randomString(40, alnumMixed) }

// NewPassword returns a new random 24-character password.
func NewPassword() string { return randomString(24, alnumMixed) }

// newTokenString returns a new opaque token: a prefix and 48 random bytes.
func newTokenString() string {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "MIIR" + base64.RawURLEncoding.EncodeToString(b)
}

// TokenID returns the stored identifier of a token: the hex SHA-256 of it.
func TokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
