package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// TestValueListInUseHook registers two rule tables the way rule types whose
// conditions reference tables do (one valueListUser line each: a JSON
// conditions column, and a value_list_id column) and checks that a table a
// rule references cannot be deleted, in its own project only, and can once
// the reference is gone.
func TestValueListInUseHook(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.wdb.ExecContext(ctx, `CREATE TABLE test_condition_rules (
		id TEXT NOT NULL, project_id TEXT NOT NULL, policy_id TEXT NOT NULL, conditions TEXT NOT NULL);
		CREATE TABLE test_column_rules (id TEXT NOT NULL, project_id TEXT NOT NULL, policy_id TEXT NOT NULL, value_list_id TEXT)`); err != nil {
		t.Fatal(err)
	}
	users := []valueListUser{
		{waf.RuleType("custom"), "test_condition_rules", "conditions", "value_list_id"},
		{waf.RuleType("cc"), "test_column_rules", "", "value_list_id"},
	}
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	now := time.Now().UTC().Truncate(time.Millisecond)
	mk := func(project, name string) *waf.ValueList {
		l := &waf.ValueList{ID: waf.NewID(), ProjectID: project, EnterpriseProjectID: "0", Name: name, Type: "url",
			Values: []string{"/a"}, CreatedAt: now}
		if err := db.CreateValueList(ctx, l, 10); err != nil {
			t.Fatal(err)
		}
		return l
	}
	used, free, theirs, byColumn := mk(proj, "used"), mk(proj, "free"), mk(other, "theirs"), mk(proj, "by_column")
	insert := func(project, ruleID, conditions string) {
		if _, err := db.wdb.ExecContext(ctx, `INSERT INTO test_condition_rules VALUES (?, ?, ?, ?)`, ruleID, project, "pol1", conditions); err != nil {
			t.Fatal(err)
		}
	}
	insert(proj, "rule1", `[{"category":"url","logic_operation":"prefix","contents":["/x"]},{"category":"url","logic_operation":"prefix_any","value_list_id":"`+used.ID+`"}]`)
	// A rule of another project naming this project's table does not pin it
	// (it could not have been stored through the API), nor does a content
	// equal to a table ID.
	insert(other, "rule2", `[{"category":"url","logic_operation":"equal_any","value_list_id":"`+free.ID+`"}]`)
	insert(proj, "rule3", `[{"category":"url","logic_operation":"equal","contents":["`+theirs.ID+`"]}]`)

	if _, err := db.wdb.ExecContext(ctx, `INSERT INTO test_column_rules VALUES ('rule4', ?, 'pol2', ?), ('rule5', ?, 'pol2', NULL)`,
		proj, byColumn.ID, proj); err != nil {
		t.Fatal(err)
	}
	_, err = db.deleteValueList(ctx, users, proj, byColumn.ID)
	if rampart.ErrorKind(err) != rampart.KindInUse || !strings.Contains(err.Error(), "cc rule rule4 of policy pol2") {
		t.Fatalf("deleting a table a rule's column names: %v, want in use naming the rule", err)
	}
	_, err = db.deleteValueList(ctx, users, proj, used.ID)
	if rampart.ErrorKind(err) != rampart.KindInUse || !strings.Contains(err.Error(), "custom rule rule1 of policy pol1") {
		t.Fatalf("deleting a table a rule uses: %v, want in use naming the rule", err)
	}
	if _, err := db.FindValueList(ctx, proj, used.ID); err != nil {
		t.Fatalf("the refused delete removed the table: %v", err)
	}
	if _, err := db.deleteValueList(ctx, users, proj, free.ID); err != nil {
		t.Fatalf("deleting a table no rule of its project uses: %v", err)
	}
	if _, err := db.deleteValueList(ctx, users, other, theirs.ID); err != nil {
		t.Fatalf("deleting a table whose ID is only a content: %v", err)
	}
	if _, err := db.wdb.ExecContext(ctx, `DELETE FROM test_condition_rules WHERE id = 'rule1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.deleteValueList(ctx, users, proj, used.ID); err != nil {
		t.Fatalf("deleting the table once its rule is gone: %v", err)
	}
}
