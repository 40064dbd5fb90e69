package decision

import (
	"context"
	"time"
)

// UserBlockedBy answers the IAM layer's question "is this user name blocked
// in this project?" from the project's Decider, so the IAM layer follows
// the decision table (a WHITE entry wins over a BLOCK one; expiry is checked
// against now at the instant). now nil means time.Now. The function's
// shape is iam.Config.UserBlocked's.
func UserBlockedBy(src Source, now func() time.Time) func(ctx context.Context, projectID, userName string) (bool, error) {
	if now == nil {
		now = time.Now
	}
	return func(ctx context.Context, projectID, userName string) (bool, error) {
		d, err := src.Decider(ctx, projectID)
		if err != nil {
			return false, err
		}
		return d.DecideUser(userName, now()).Action == ActionBlock, nil
	}
}
