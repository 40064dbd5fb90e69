package main

import (
	"context"
	"fmt"

	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
)

// rules seeds the policy of the benchmark's host with 1,000 precise-protection
// rules of mixed conditions (none of which decides the benchmark's requests)
// and 10 CC rules (limits no benchmark reaches), once, and switches the
// policy's precise-protection and CC modules on or off.
func rules(args []string) error {
	return switchPolicy("rules", "state", args, func(ctx context.Context, db *sqlite.DB, svc *waf.Service, policyID string, on bool) error {
		_, total, err := db.FindCustomRules(ctx, waf.RuleFilter{ProjectID: project, PolicyIDs: []string{policyID}, Page: waf.Page{Limit: 1}})
		if err != nil {
			return err
		}
		if total == 0 {
			if err := seedRules(ctx, svc, policyID); err != nil {
				return err
			}
		}
		_, err = svc.UpdatePolicy(ctx, project, policyID, &waf.PolicyUpdate{Options: map[string]bool{"custom": on, "cc": on}})
		return err
	})
}

func policyOf(ctx context.Context, db *sqlite.DB, hostname string) (string, error) {
	hosts, err := db.AllHosts(ctx)
	if err != nil {
		return "", err
	}
	for _, h := range hosts {
		if h.ProjectID == project && h.Hostname == hostname {
			return h.PolicyID, nil
		}
	}
	return "", fmt.Errorf("no host %s", hostname)
}

func seedRules(ctx context.Context, svc *waf.Service, policyID string) error {
	str := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	nets, err := svc.CreateValueList(ctx, project, "0", &waf.ValueListInput{Name: str("bench-nets"), Type: str("ip"),
		Values: &[]string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "10.20.0.0/16"}})
	if err != nil {
		return err
	}
	referers, err := svc.CreateValueList(ctx, project, "0", &waf.ValueListInput{Name: str("bench-referers"), Type: str("referer"),
		Values: &[]string{"evil.example", "spam.example", "casino.", "crypto-"}})
	if err != nil {
		return err
	}
	c := func(category, index, op string, contents ...string) waf.CustomCondition {
		return waf.CustomCondition{Category: category, Index: index, LogicOperation: op, Contents: contents}
	}
	actions := []string{"block", "block", "pass", "log"}
	for i := range 1000 {
		var conds []waf.CustomCondition
		switch i % 20 {
		case 0, 1, 2:
			conds = []waf.CustomCondition{c("url", "", "equal", fmt.Sprintf("/app/%d/settings", i))}
		case 3, 4, 5:
			conds = []waf.CustomCondition{c("url", "", "equal", fmt.Sprintf("/api/v1/items/%d", i)), c("method", "", "equal", "DELETE")}
		case 6, 7, 8:
			conds = []waf.CustomCondition{c("url", "", "prefix", fmt.Sprintf("/svc%d/", i)), c("header", "X-Tenant", "not_equal", "internal")}
		case 9, 10:
			conds = []waf.CustomCondition{c("ip", "", "equal", fmt.Sprintf("10.%d.%d.0/24", i%250, i%7)), c("url", "", "prefix", "/admin")}
		case 11:
			conds = []waf.CustomCondition{{Category: "ip", LogicOperation: "equal_any", ValueListID: nets.ID}, c("url", "", "contain", fmt.Sprintf("export%d", i))}
		case 12, 13:
			conds = []waf.CustomCondition{c("method", "", "equal", "PUT"), c("url", "", "contain", fmt.Sprintf("admin%d", i))}
		case 14, 15:
			conds = []waf.CustomCondition{c("user-agent", "", "contain", fmt.Sprintf("scanner-%d", i))}
		case 16:
			conds = []waf.CustomCondition{c("header", "X-Api-Key", "equal", fmt.Sprintf("revoked-%d", i))}
		case 17:
			conds = []waf.CustomCondition{c("params", "id", "num_greater", fmt.Sprint(100000+i)), c("url", "", "suffix", ".php")}
		case 18:
			conds = []waf.CustomCondition{c("cookie", "sessionid", "equal", fmt.Sprintf("stolen-%d", i))}
		case 19:
			conds = []waf.CustomCondition{{Category: "referer", LogicOperation: "contain_any", ValueListID: referers.ID}, c("request", "", "len_greater", fmt.Sprint(4000+i))}
		}
		on := false
		in := &waf.CustomRuleInput{Name: str(fmt.Sprintf("bench%04d", i)), Time: &on, Priority: num(i % 1001),
			Conditions: conds, Action: &waf.CustomAction{Category: actions[i%len(actions)]}}
		if _, err := svc.CreateCustomRules(ctx, project, "0", []string{policyID}, in); err != nil {
			return fmt.Errorf("precise rule %d: %w", i, err)
		}
	}
	// Ten CC rules that count the benchmark's requests under limits it never
	// reaches: by address, by the session cookie, by host, by URL and for the
	// whole policy, on the paths it requests and on others.
	tags := []string{"ip", "cookie", "domain", "url", "policy", "ip", "cookie", "ip", "header", "other"}
	for i, tag := range tags {
		in := &waf.CCRuleInput{Name: str(fmt.Sprintf("benchcc%d", i)), Mode: num(0), URL: str("/"), Prefix: new(bool),
			Action: &waf.CCAction{Category: "block"}, TagType: str(tag), LimitNum: num(2_000_000_000), LimitPeriod: num(60),
			CCPriority: num(i)}
		*in.Prefix = true
		switch tag {
		case "cookie":
			in.TagIndex = str("sessionid")
		case "header":
			in.TagIndex = str("User-Agent")
		case "other":
			in.TagCondition = &waf.CCTagCondition{Category: "referer", Contents: []string{"https://www.example.com/"}}
		}
		if i >= 5 {
			in.URL = str(fmt.Sprintf("/other%d/", i))
		}
		if _, err := svc.CreateCCRules(ctx, project, "0", []string{policyID}, in); err != nil {
			return fmt.Errorf("CC rule %d: %w", i, err)
		}
	}
	return nil
}
