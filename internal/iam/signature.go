package iam

import (
	"context"
	"net/http"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/rampart"
)

// AuthenticateSignature verifies an SDK-HMAC-SHA256 signed request. body is
// the complete raw request body. Failures give KindUnauthorized with
// APIGW.0301 and a message in the gateway's words; five consecutive failures
// lock the access key for LockoutDuration, during which even correctly signed
// requests are refused.
func (s *Service) AuthenticateSignature(ctx context.Context, r *http.Request, body []byte) (*rampart.Principal, error) {
	now := s.cfg.Now()
	auth, err := aksk.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return nil, authError(CodeAuthFailed, "Incorrect IAM authentication information: the Authorization header is not a valid SDK-HMAC-SHA256 signature")
	}
	date, err := aksk.ParseDate(r.Header.Get(aksk.DateHeader))
	if err != nil {
		return nil, authError(CodeAuthFailed, "Incorrect IAM authentication information: X-Sdk-Date is missing or malformed")
	}
	key, err := s.accessKey(ctx, auth.AccessKey, now)
	if err != nil {
		return nil, err
	}
	lockKey := "ak:" + auth.AccessKey
	if locked, err := s.locked(ctx, lockKey, now); err != nil {
		return nil, err
	} else if locked {
		return nil, authError(CodeAuthFailed, "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden.")
	}
	if skew := now.Sub(date); skew > s.cfg.MaxClockSkew || skew < -s.cfg.MaxClockSkew {
		return nil, s.signatureFailure(ctx, lockKey, now, authError(CodeAuthFailed, "Incorrect IAM authentication information: signature expired, signature time:"+
			date.UTC().Format(aksk.DateLayout)+",server time:"+now.UTC().Format(aksk.DateLayout)))
	}
	if !aksk.Verify(r, body, auth, key.secret) {
		return nil, s.signatureFailure(ctx, lockKey, now, authError(CodeAuthFailed, "Incorrect IAM authentication information: verify aksk signature fail"))
	}
	if s.hasFailures(lockKey) { // rare: most keys have no failure to reset
		release := s.serialize(lockKey)
		err := s.recordSuccess(ctx, lockKey)
		release()
		if err != nil {
			return nil, err
		}
	}
	return key.principal, nil
}

// signatureFailure counts a failed signature of an access key and returns
// failure, or the error that kept the count from being saved.
func (s *Service) signatureFailure(ctx context.Context, lockKey string, now time.Time, failure error) error {
	release := s.serialize(lockKey)
	defer release()
	if err := s.recordFailure(ctx, lockKey, now); err != nil {
		return err
	}
	return failure
}

// maxCachedKeys bounds the access-key cache against floods of unknown keys.
const maxCachedKeys = 100_000

// accessKey returns the cached or stored key with its owner.
func (s *Service) accessKey(ctx context.Context, ak string, now time.Time) (cachedKey, error) {
	unknown := authError(CodeAuthFailed, "Incorrect IAM authentication information: Get secretKey failed,ak:******,err:ak not exist")
	s.mu.RLock()
	c, ok := s.keys[ak]
	s.mu.RUnlock()
	if ok && now.Sub(c.fetched) <= s.cfg.CacheTTL {
		if c.principal == nil {
			return cachedKey{}, unknown
		}
		return c, nil
	}
	c = cachedKey{fetched: now}
	gen := s.generation()
	k, err := s.store.FindAccessKey(ctx, ak)
	switch {
	case rampart.ErrorKind(err) == rampart.KindNotFound:
		// Remember the miss briefly so floods of unknown keys stay cheap.
	case err != nil:
		return cachedKey{}, err
	case k.Active:
		user, err := s.store.FindUserByID(ctx, k.UserID)
		if err != nil {
			return cachedKey{}, err
		}
		acc, err := s.store.FindAccountByID(ctx, user.AccountID)
		if err != nil {
			return cachedKey{}, err
		}
		if user.Enabled {
			c.secret = k.SecretKey
			c.principal = &rampart.Principal{
				UserID: user.ID, UserName: user.Name, AccountID: acc.ID, AccountName: acc.Name,
				Method: rampart.AuthAKSK, Credential: k.AccessKey,
			}
		}
	}
	s.mu.Lock()
	if s.gen == gen && (c.principal != nil || len(s.keys) < maxCachedKeys) {
		s.keys[ak] = c
	}
	s.mu.Unlock()
	if c.principal == nil {
		return cachedKey{}, unknown
	}
	return c, nil
}

// ForgetAccessKey drops a key from the cache, so a revocation made through
// this process applies at once.
func (s *Service) ForgetAccessKey(ak string) {
	s.mu.Lock()
	delete(s.keys, ak)
	s.gen++
	s.mu.Unlock()
}
