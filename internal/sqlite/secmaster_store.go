package sqlite

import "github.com/rampartsec/rampart/internal/secmaster"

// SecMasterStore is the SecMaster view of the database. Each product family
// has its own view so that method names (FindPolicy, DeletePolicies, …) of
// different families never collide on DB.
type SecMasterStore struct{ *DB }

// SecMaster returns the database's SecMaster store.
func (db *DB) SecMaster() secmaster.Store { return &SecMasterStore{db} }
