package sqlite

import "github.com/rampartsec/rampart/internal/secmaster"

// SecMasterStore is the SecMaster view of the database. Its methods live on
// their own type because their names (FindPolicy, DeletePolicies, …) are
// also the WAF store's, which DB implements directly.
type SecMasterStore struct{ *DB }

// SecMaster returns the database's SecMaster store.
func (db *DB) SecMaster() secmaster.Store { return &SecMasterStore{db} }
