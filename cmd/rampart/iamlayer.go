package main

import (
	"context"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
)

// userBlockedBy answers the IAM service's question "is this user name
// blocked in this project?" from the project's decision engine, so the IAM
// layer follows the decision table (a WHITE entry wins over a BLOCK one,
// expiry is checked at the instant).
func userBlockedBy(src decision.Source) func(ctx context.Context, projectID, userName string) (bool, error) {
	return func(ctx context.Context, projectID, userName string) (bool, error) {
		d, err := src.Decider(ctx, projectID)
		if err != nil {
			return false, err
		}
		return d.DecideUser(userName, time.Now()).Action == decision.ActionBlock, nil
	}
}
