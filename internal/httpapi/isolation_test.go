package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/waf"
)

// routePatterns reads the patterns of every mux.Handle call in routes.go,
// so the matrix below follows the route table itself.
func routePatterns(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Handle" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok {
			t.Fatalf("a route pattern is not a string literal: %T", call.Args[0])
		}
		p, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
		return true
	})
	if len(out) < 50 {
		t.Fatalf("found only %d routes in routes.go", len(out))
	}
	return out
}

// isoRequest is how the matrix calls one route as an intruder: the query
// and body it sends (placeholders {A_…} name the victim's objects, {OWN}
// the intruder's own project, {OWN_…} the intruder's own objects), and
// whether it must be refused even when the path names only the
// intruder's own project (it names a victim's object in the query or body).
type isoRequest struct {
	query, body string
	refused     bool
}

// isolationMatrix lists every route of routes.go. A route missing here
// fails TestIsolationMatrix, so a new route cannot skip the matrix.
var isolationMatrix = map[string]isoRequest{
	"GET /healthz":           {},
	"GET /readyz":            {},
	"POST /v3/auth/tokens":   {}, // sent with the intruder's password scoped to the victim project (see below)
	"DELETE /v3/auth/tokens": {},
	"GET /v3/projects":       {query: "name=victim-region"},
	"GET /v3/auth/domains":   {},
	// Bouncer keys, not IAM credentials: an intruder's are refused; keys
	// of another project are checked by TestBouncerIsolation.
	"GET /v1/decisions":        {query: "ip=192.0.2.177", refused: true},
	"GET /v1/decisions/stream": {query: "startup=true", refused: true},
	"/":                        {},
	// The console: its files, and its session (the intruder's own token;
	// logout without the session cookie is refused, revoking nothing).
	"GET /console/":               {},
	"POST /console/api/session":   {},
	"GET /console/api/session":    {},
	"DELETE /console/api/session": {},

	"POST /v1/{project_id}/workspaces":                         {body: `{"region_id":"r","name":"intruder","project_name":"p"}`},
	"GET /v1/{project_id}/workspaces":                          {query: "ids={A_SM_WS}"},
	"GET /v1/{project_id}/workspaces/{workspace_id}":           {},
	"GET /v1/{project_id}/workspaces/{workspace_id}/sa/guides": {query: "version=1"},
	"PUT /v1/{project_id}/workspaces/{workspace_id}":           {body: `{"name":"renamed"}`},
	"DELETE /v1/{project_id}/workspaces/{workspace_id}":        {},
	"POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys": {query: "action_type=retry",
		body: `{"data_object":{"retry_list":["{A_SM_POLICY}"]}}`},
	"GET /v1/{project_id}/workspaces/{workspace_id}/soc/policys/{policy_id}":                {},
	"PUT /v1/{project_id}/workspaces/{workspace_id}/soc/policys/{policy_id}":                {body: `{"batch_ids":["{A_SM_POLICY}"],"data_object":{"description":"x"}}`},
	"POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/search":                    {body: `{}`},
	"POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/batch-delete":              {body: `{"batch_ids":["{A_SM_POLICY}"]}`},
	"POST /v1/{project_id}/workspaces/{workspace_id}/soc/policy-records/search":             {body: `{}`},
	"POST /v1/{project_id}/workspaces/{workspace_id}/soc/policy-records/{policy_id}/search": {body: `{}`},

	"POST /v1/{project_id}/waf/policy":                                         {body: `{"name":"intruder"}`},
	"GET /v1/{project_id}/waf/policy":                                          {query: "name=alpha"},
	"GET /v1/{project_id}/waf/policy/{policy_id}":                              {},
	"PATCH /v1/{project_id}/waf/policy/{policy_id}":                            {body: `{"name":"renamed"}`},
	"PUT /v1/{project_id}/waf/policy/{policy_id}":                              {query: "hosts={A_HOST}"},
	"DELETE /v1/{project_id}/waf/policy/{policy_id}":                           {},
	"POST /v1/{project_id}/waf/policies/batch-delete":                          {body: `{"policy_ids":["{A_WAF_POLICY}"]}`, refused: true},
	"POST /v1/{project_id}/waf/policies/{src_policy_id}/copy":                  {query: "dest_policy_name=stolen"},
	"POST /v1/{project_id}/waf/policy/{policy_id}/geoip":                       {body: `{"white":0,"geoip":"CN"}`},
	"GET /v1/{project_id}/waf/policy/{policy_id}/geoip":                        {},
	"GET /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id}":              {},
	"PUT /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id}":              {body: `{"white":1,"geoip":"CN"}`},
	"DELETE /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id}":           {},
	"POST /v1/{project_id}/waf/rule/geoip":                                     {body: `{"white":0,"geoip":"CN","policy_ids":["{A_WAF_POLICY}"]}`, refused: true},
	"GET /v1/{project_id}/waf/rule/geoip":                                      {query: "policyids={A_WAF_POLICY}"},
	"POST /v1/{project_id}/waf/rule/geoip/batch-update":                        {body: `{"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_GEOIP}"]}],"white":1,"geoip":"CN"}`, refused: true},
	"PUT /v1/{project_id}/waf/rule/geoip/batch-update":                         {body: `{"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_GEOIP}"]}],"white":1,"geoip":"CN"}`, refused: true},
	"POST /v1/{project_id}/waf/policy/{policy_id}/ip-reputation":               {body: `{"name":"x","type":"idc","tags":["HW"],"action":{"category":"block"}}`},
	"GET /v1/{project_id}/waf/policy/{policy_id}/ip-reputation":                {},
	"GET /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id}":      {},
	"PUT /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id}":      {body: `{"name":"x","type":"idc","tags":["HW"],"action":{"category":"pass"}}`},
	"DELETE /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id}":   {},
	"POST /v1/{project_id}/waf/rule/ip-reputation":                             {body: `{"name":"x","type":"idc","tags":["HW"],"action":{"category":"block"},"policy_ids":["{A_WAF_POLICY}"]}`, refused: true},
	"GET /v1/{project_id}/waf/rule/ip-reputation":                              {query: "policyids={A_WAF_POLICY}"},
	"POST /v1/{project_id}/waf/rule/ip-reputation/batch-update":                {body: `{"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_REPUTATION}"]}],"name":"x","type":"idc","tags":["HW"],"action":{"category":"pass"}}`, refused: true},
	"PUT /v1/{project_id}/waf/rule/ip-reputation/batch-update":                 {body: `{"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_REPUTATION}"]}],"name":"x","type":"idc","tags":["HW"],"action":{"category":"pass"}}`, refused: true},
	"POST /v1/{project_id}/waf/policy/{policy_id}/whiteblackip":                {body: `{"name":"x","addr":"192.0.2.1","white":1}`},
	"GET /v1/{project_id}/waf/policy/{policy_id}/whiteblackip":                 {},
	"GET /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id}":       {},
	"PUT /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id}":       {body: `{"name":"x","addr":"192.0.2.1","white":1}`},
	"DELETE /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id}":    {},
	"POST /v1/{project_id}/waf/rule/whiteblackip":                              {body: `{"name":"x","addr":"192.0.2.1","white":1,"policy_ids":["{A_WAF_POLICY}"]}`, refused: true},
	"GET /v1/{project_id}/waf/rule/whiteblackip":                               {query: "policyids={A_WAF_POLICY}"},
	"POST /v1/{project_id}/waf/rule/whiteblackip/batch-update":                 {body: `{"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_WHITEBLACKIP}"]}],"name":"x","addr":"192.0.2.1","white":1}`, refused: true},
	"PUT /v1/{project_id}/waf/rule/whiteblackip/batch-update":                  {body: `{"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_WHITEBLACKIP}"]}],"name":"x","addr":"192.0.2.1","white":1}`, refused: true},
	"POST /v1/{project_id}/waf/policy/{policy_id}/ignore":                      {body: `{"domain":[],"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"mode":1,"rule":"xss"}`},
	"GET /v1/{project_id}/waf/policy/{policy_id}/ignore":                       {},
	"GET /v1/{project_id}/waf/policy/{policy_id}/ignore/{rule_id}":             {},
	"PUT /v1/{project_id}/waf/policy/{policy_id}/ignore/{rule_id}":             {body: `{"domain":[],"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"mode":1,"rule":"xss"}`},
	"DELETE /v1/{project_id}/waf/policy/{policy_id}/ignore/{rule_id}":          {},
	"POST /v1/{project_id}/waf/policy/{policy_id}/ignore/{rule_id}/recount":    {},
	"POST /v1/{project_id}/waf/rule/ignore":                                    {body: `{"domain":[],"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"mode":1,"rule":"xss","policy_ids":["{A_WAF_POLICY}"]}`, refused: true},
	"GET /v1/{project_id}/waf/rule/ignore":                                     {query: "policyids={A_WAF_POLICY}"},
	"POST /v1/{project_id}/waf/rule/ignore/batch-update":                       {body: `{"domain":[],"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"mode":1,"rule":"xss","policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_IGNORE}"]}]}`, refused: true},
	"PUT /v1/{project_id}/waf/rule/ignore/batch-update":                        {body: `{"domain":[],"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"mode":1,"rule":"xss","policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_IGNORE}"]}]}`, refused: true},
	"POST /v1/{project_id}/waf/policy/{policy_id}/custom":                      {body: `{"name":"c","time":false,"priority":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"action":{"category":"block"}}`},
	"GET /v1/{project_id}/waf/policy/{policy_id}/custom":                       {},
	"GET /v1/{project_id}/waf/policy/{policy_id}/custom/{rule_id}":             {},
	"PUT /v1/{project_id}/waf/policy/{policy_id}/custom/{rule_id}":             {body: `{"name":"c","time":false,"priority":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"action":{"category":"block"}}`},
	"DELETE /v1/{project_id}/waf/policy/{policy_id}/custom/{rule_id}":          {},
	"POST /v1/{project_id}/waf/rule/custom":                                    {body: `{"name":"c","time":false,"priority":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"action":{"category":"block"},"policy_ids":["{A_WAF_POLICY}"]}`, refused: true},
	"GET /v1/{project_id}/waf/rule/custom":                                     {query: "policyids={A_WAF_POLICY}"},
	"POST /v1/{project_id}/waf/rule/custom/batch-update":                       {body: `{"status":0,"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_CUSTOM}"]}]}`, refused: true},
	"PUT /v1/{project_id}/waf/rule/custom/batch-update":                        {body: `{"status":0,"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_CUSTOM}"]}]}`, refused: true},
	"GET /v1/{project_id}/waf/tag/geoip/map":                                   {},
	"GET /v1/{project_id}/waf/tag/ip-reputation/map":                           {},
	"POST /v1/{project_id}/waf/policy/{policy_id}/cc":                          {body: `{"name":"c","mode":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"action":{"category":"block"},"tag_type":"ip","limit_num":10,"limit_period":60}`},
	"GET /v1/{project_id}/waf/policy/{policy_id}/cc":                           {},
	"GET /v1/{project_id}/waf/policy/{policy_id}/cc/{rule_id}":                 {},
	"PUT /v1/{project_id}/waf/policy/{policy_id}/cc/{rule_id}":                 {body: `{"name":"c","mode":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"action":{"category":"block"},"tag_type":"ip","limit_num":10,"limit_period":60}`},
	"DELETE /v1/{project_id}/waf/policy/{policy_id}/cc/{rule_id}":              {},
	"POST /v1/{project_id}/waf/rule/cc":                                        {body: `{"name":"c","mode":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"action":{"category":"block"},"tag_type":"ip","limit_num":10,"limit_period":60,"policy_ids":["{A_WAF_POLICY}"]}`, refused: true},
	"GET /v1/{project_id}/waf/rule/cc":                                         {query: "policyids={A_WAF_POLICY}"},
	"POST /v1/{project_id}/waf/rule/cc/batch-update":                           {body: `{"name":"c","mode":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"action":{"category":"block"},"tag_type":"ip","limit_num":10,"limit_period":60,"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_CC}"]}]}`, refused: true},
	"PUT /v1/{project_id}/waf/rule/cc/batch-update":                            {body: `{"name":"c","mode":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],"action":{"category":"block"},"tag_type":"ip","limit_num":10,"limit_period":60,"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_CC}"]}]}`, refused: true},
	"POST /v1/{project_id}/waf/policy/{policy_id}/punishment":                  {body: `{"category":"short_ip_block","block_time":60}`},
	"GET /v1/{project_id}/waf/policy/{policy_id}/punishment":                   {},
	"GET /v1/{project_id}/waf/policy/{policy_id}/punishment/{rule_id}":         {},
	"PUT /v1/{project_id}/waf/policy/{policy_id}/punishment/{rule_id}":         {body: `{"category":"long_ip_block","block_time":700}`},
	"DELETE /v1/{project_id}/waf/policy/{policy_id}/punishment/{rule_id}":      {},
	"PUT /v1/{project_id}/waf/policy/{policy_id}/{rule_type}/{rule_id}/status": {body: `{"status":0}`},
	"POST /v1/{project_id}/waf/rule/{rule_type}/batch-delete":                  {body: `{"policy_rule_ids":[{"policy_id":"{A_WAF_POLICY}","rule_ids":["{A_WHITEBLACKIP}"]}]}`, refused: true},
	"POST /v1/{project_id}/waf/ip-groups":                                      {body: `{"name":"intruder","ips":"192.0.2.1"}`},
	"GET /v1/{project_id}/waf/ip-groups":                                       {query: "name=alpha"},
	"GET /v1/{project_id}/waf/ip-group/{id}":                                   {},
	"PUT /v1/{project_id}/waf/ip-group/{id}":                                   {query: "action=add", body: `{"ips":"192.0.2.1"}`},
	"DELETE /v1/{project_id}/waf/ip-group/{id}":                                {},
	"POST /v1/{project_id}/waf/valuelist":                                      {body: `{"name":"intruder","type":"url","values":["/x"]}`},
	"GET /v1/{project_id}/waf/valuelist":                                       {query: "name=alpha"},
	"GET /v1/{project_id}/waf/valuelist/{valuelistid}":                         {},
	"PUT /v1/{project_id}/waf/valuelist/{valuelistid}":                         {body: `{"name":"stolen","type":"url","values":["/x"]}`},
	"DELETE /v1/{project_id}/waf/valuelist/{valuelistid}":                      {},
	"POST /v1/{project_id}/waf/instance":                                       {body: `{"hostname":"intruder.example.net","policyid":"{A_WAF_POLICY}","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}],"proxy":false}`, refused: true},
	"GET /v1/{project_id}/waf/instance":                                        {query: "hostname=alpha.example.com&policyname=alpha-waf-policy"},
	"GET /v1/{project_id}/waf/instance/{instance_id}":                          {},
	"PATCH /v1/{project_id}/waf/instance/{instance_id}":                        {body: `{"description":"x"}`},
	"PUT /v1/{project_id}/waf/instance/{instance_id}":                          {body: `{"description":"x"}`},
	"DELETE /v1/{project_id}/waf/instance/{instance_id}":                       {},
	"PUT /v1/{project_id}/waf/instance/{instance_id}/protect-status":           {body: `{"protect_status":0}`},
	"PUT /v1/{project_id}/waf/instance/{instance_id}/access-status":            {body: `{"access_status":0}`},
	"POST /v1/{project_id}/waf/certificate":                                    {body: `{"name":"x","content":"x","key":"x"}`},
	"GET /v1/{project_id}/waf/certificate":                                     {query: "name=alpha-cert"},
	"GET /v1/{project_id}/waf/certificate/{certificate_id}":                    {},
	"PUT /v1/{project_id}/waf/certificate/{certificate_id}":                    {body: `{"name":"renamed"}`},
	"DELETE /v1/{project_id}/waf/certificate/{certificate_id}":                 {},
	"POST /v1/{project_id}/waf/certificate/{certificate_id}/apply-to-hosts":    {body: `{"cloud_host_ids":["{A_HOST}"]}`},
	"GET /v1/{project_id}/waf/policy/basic-protection/default-rules":           {query: "level=3&limit=1000"},
	"GET /v1/{project_id}/waf/web-protection-rules/{rule_id}":                  {},
	"GET /v1/{project_id}/waf/rules/protection-types":                          {},
	"GET /v1/{project_id}/waf/rules/application-types":                         {},
	"GET /v1/{project_id}/waf/vulnerability/notification":                      {},
	"GET /v1/{project_id}/waf/event":                                           {query: "recent=today&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/event/{eventid}":                                 {},
	"GET /v1/{project_id}/waf/event/dump":                                      {},
	"GET /v1/{project_id}/waf/event/url":                                       {query: "recent=today&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/event/attack/source":                             {query: "recent=today&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/event/attack/type":                               {query: "recent=today&instances={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/statistics":                            {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/qps/timeline":                          {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/request/timeline":                      {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/response-code/timeline":                {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/classification":                        {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/attack/ip":                             {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/attack/url":                            {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/attack/top-domains":                    {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/abnormal":                              {query: "from=0&to=1&hosts={A_HOST}"},
	"GET /v1/{project_id}/waf/overviews/attack/action-types":                   {query: "from=0&to=1"},

	"POST /v2/{project_id}/access-policy":                           {body: `{"policy":{"policy_name":"PRIVATE_ACCESS","blacklist_type":"INTERNET"},"policy_objects_list":[{"object_id":"intruder","object_type":"USER","object_name":"intruder"}]}`},
	"GET /v2/{project_id}/access-policy":                            {},
	"DELETE /v2/{project_id}/access-policy":                         {body: `{"policy_id_list":["{A_ACCESS_POLICY}"]}`, refused: true},
	"PUT /v2/{project_id}/access-policy/{access_policy_id}":         {body: `{"operation_type":"ADD_IP","ip_white_list":[{"ip_address":"192.0.2.1","subnet_mask":"32"}]}`},
	"GET /v2/{project_id}/access-policy/{access_policy_id}/objects": {},
	"PUT /v2/{project_id}/access-policy/{access_policy_id}/objects": {body: `{"policy_objects_list":[{"object_id":"intruder","object_type":"USER","object_name":"intruder"}]}`},

	"GET /v1/{project_id}/rampart/decisions":         {query: "layer=cfw&ip=192.0.2.177&project_id={A}"},
	"POST /v1/{project_id}/rampart/decisions":        {body: `{"project_id":"{A}","checks":[{"layer":"cfw","ip":"192.0.2.177"}]}`},
	"GET /v1/{project_id}/rampart/decisions/stream":  {query: "layer=cfw&since=0&timeout=1&project_id={A}"},
	"GET /v1/{project_id}/rampart/enforcements":      {query: "layer=cfw&project_id={A}"},
	"GET /v1/{project_id}/rampart/firewall/nftables": {query: "layer=cfw&project_id={A}"},
}

// victimMarkers are strings only the victim project's objects contain: no
// answer to an intruder may carry one.
var victimMarkers = []string{"alpha-waf-policy", "alpha.example.com", "203.0.113.77", "198.51.100.77", "alpha-geo",
	"alpha-rep", "alpha-cert", "alpha-group", "192.0.2.177", "alpha-sm", "alpha-user", "192.0.2.199"}

// intruder is a user of another project, calling with an access key or a
// token scoped to its own project.
type intruder struct {
	name       string
	project    string
	ak, sk     string
	token      string
	own        map[string]string // the intruder's own objects, by placeholder
	account    string
	user, pass string
}

// TestIsolationMatrix calls every route as users of other projects (one in
// the victim's account, one in another account; by AK/SK and by token)
// with the victim's IDs in the path, the query and the body, and with the
// victim's objects as targets of the intruder's own objects, and checks
// that nothing of the victim is read, changed or enforced.
func TestIsolationMatrix(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	ctx := context.Background()
	A := e.Creds.ProjectID
	ids := victimFixtures(t, e)

	intruders := []*intruder{
		newIntruder(t, e, "acme", "bob", "bob-region"),
		newIntruder(t, e, "globex", "carol", "carol-region"),
	}
	for _, in := range intruders {
		in.own = intruderFixtures(t, e, in)
	}

	before := victimState(t, e)

	checked := 0
	for _, pattern := range routePatterns(t) {
		spec, known := isolationMatrix[pattern]
		if !known {
			t.Errorf("route %q is not in the isolation matrix: add it to isolationMatrix", pattern)
			continue
		}
		checked++
		method, path, _ := strings.Cut(pattern, " ")
		if path == "" { // "/": any method
			method, path = "GET", pattern
		}
		for _, in := range intruders {
			for _, byToken := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/token=%v", pattern, in.name, byToken)
				fill := func(s, project string) string {
					s = strings.ReplaceAll(s, "{project_id}", project)
					s = substituteWildcards(s, ids)
					for k, v := range ids {
						s = strings.ReplaceAll(s, "{"+k+"}", v)
					}
					return strings.ReplaceAll(s, "{A}", A)
				}
				switch {
				case pattern == "POST /v3/auth/tokens":
					// The intruder's password, scoped to the victim project.
					body := passwordBody(in.account, in.user, in.pass, `{"project":{"id":"`+A+`"}}`)
					res := do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", body))
					if res.Status < 400 {
						t.Errorf("%s: a token scoped to the victim project was issued: %d", name, res.Status)
					}
					continue
				case !strings.Contains(path, "{project_id}"):
					res := in.send(t, e, method, fill(path, "")+query(fill(spec.query, "")), fill(spec.body, ""), byToken)
					noMarkers(t, name, res)
					continue
				}
				// 1. The victim project in the path: the gateway refuses.
				res := in.send(t, e, method, fill(path, A)+query(fill(spec.query, A)), fill(spec.body, A), byToken)
				if res.Status != http.StatusForbidden {
					t.Errorf("%s: victim project in the path answered %d, want 403: %.300s", name, res.Status, res.Raw)
				}
				noMarkers(t, name, res)
				// 2. The intruder's own project in the path, the victim's IDs
				// in the rest of the path, the query and the body.
				own := fill(path, in.project)
				res = in.send(t, e, method, own+query(fill(spec.query, in.project)), fill(spec.body, in.project), byToken)
				noMarkers(t, name+" (own project)", res)
				namesVictim := own != strings.ReplaceAll(path, "{project_id}", in.project) // a victim ID is in the path
				if (namesVictim || spec.refused) && res.Status < 400 {
					t.Errorf("%s: own project with the victim's IDs answered %d: %.300s", name, res.Status, res.Raw)
				}
			}
		}
	}

	if checked != len(isolationMatrix) {
		t.Errorf("the matrix lists %d routes, routes.go has %d of them: remove the routes that are gone", len(isolationMatrix), checked)
	}

	// The victim's objects as targets of the intruder's own objects.
	for _, in := range intruders {
		for _, byToken := range []bool{false, true} {
			for _, c := range crossReferences(in, ids, A) {
				name := fmt.Sprintf("cross-reference %s/%s/token=%v", c.name, in.name, byToken)
				res := in.send(t, e, c.method, c.path, c.body, byToken)
				noMarkers(t, name, res)
				if res.Status < 400 {
					t.Errorf("%s: accepted (%d): %.300s", name, res.Status, res.Raw)
				}
			}
		}
	}

	// Deliver whatever was queued, as the worker would, and compare.
	e.deliver()
	if _, err := e.Decisions.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	after := victimState(t, e)
	if before != after {
		t.Errorf("the victim project changed:\nbefore %s\nafter  %s", before, after)
	}
}

// substituteWildcards replaces the path wildcards other than {project_id}
// by the victim's objects of the family the path belongs to.
func substituteWildcards(path string, ids map[string]string) string {
	r := path
	family := func(frag string) bool { return strings.Contains(path, frag) }
	set := func(w, v string) { r = strings.ReplaceAll(r, "{"+w+"}", v) }
	set("workspace_id", ids["A_SM_WS"])
	if family("/soc/") {
		set("policy_id", ids["A_SM_POLICY"])
	}
	set("policy_id", ids["A_WAF_POLICY"])
	set("src_policy_id", ids["A_WAF_POLICY"])
	switch {
	case family("/geoip/"):
		set("rule_id", ids["A_GEOIP"])
	case family("/ip-reputation/"):
		set("rule_id", ids["A_REPUTATION"])
	case family("/ignore/"):
		set("rule_id", ids["A_IGNORE"])
	case family("/custom/"):
		set("rule_id", ids["A_CUSTOM"])
	case family("/cc/"):
		set("rule_id", ids["A_CC"])
	case family("/punishment/"):
		set("rule_id", ids["A_PUNISHMENT"])
	}
	set("rule_type", "whiteblackip")
	set("rule_id", ids["A_WHITEBLACKIP"])
	set("id", ids["A_IP_GROUP"])
	set("valuelistid", ids["A_VALUELIST"])
	set("instance_id", ids["A_HOST"])
	set("certificate_id", ids["A_CERT"])
	set("eventid", ids["A_EVENT"])
	set("access_policy_id", ids["A_ACCESS_POLICY"])
	if m := regexp.MustCompile(`\{[a-z_]+\}`).FindString(r); m != "" {
		panic("the isolation matrix has no value for the wildcard " + m)
	}
	return r
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

func noMarkers(t *testing.T, name string, res response) {
	t.Helper()
	for _, m := range victimMarkers {
		if strings.Contains(res.Raw, m) {
			t.Errorf("%s: the answer (%d) shows the victim's %q: %.300s", name, res.Status, m, res.Raw)
		}
	}
}

// send calls the server as the intruder.
func (in *intruder) send(t *testing.T, e *smEnv, method, path, body string, byToken bool) response {
	t.Helper()
	req := newRequest(t, method, e.URL+path, body)
	if byToken {
		req.Header.Set("X-Auth-Token", in.token)
	} else {
		aksk.Sign(req, []byte(body), in.ak, in.sk, e.clock.Now())
	}
	out := fetch(t, req)
	_ = json.Unmarshal([]byte(out.Raw), &out.Body) // the nftables feed answers text
	return out
}

// newIntruder creates (in account, created if needed) a user granted only
// a new project of that account, with an access key and a token scoped to
// that project.
func newIntruder(t *testing.T, e *smEnv, account, user, project string) *intruder {
	t.Helper()
	ctx := context.Background()
	if _, err := e.IAM.Projects(ctx, account); rampart.ErrorKind(err) == rampart.KindNotFound {
		if err := e.DB.CreateAccount(ctx, &rampart.Account{ID: iam.NewID(), Name: account}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := e.IAM.CreateProject(ctx, account, project, "")
	if err != nil {
		t.Fatal(err)
	}
	pass := user + " password 1"
	if _, _, err := e.IAM.CreateUser(ctx, account, user, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := e.IAM.Grant(ctx, account, user, p.ID); err != nil {
		t.Fatal(err)
	}
	key, err := e.IAM.CreateAccessKey(ctx, account, user)
	if err != nil {
		t.Fatal(err)
	}
	res := do(t, newRequest(t, "POST", e.URL+"/v3/auth/tokens", passwordBody(account, user, pass, `{"project":{"id":"`+p.ID+`"}}`)))
	if res.Status != http.StatusCreated {
		t.Fatalf("token for %s: %d %s", user, res.Status, res.Raw)
	}
	return &intruder{name: user, project: p.ID, ak: key.AccessKey, sk: key.SecretKey, token: res.Header.Get("X-Subject-Token"),
		account: account, user: user, pass: pass}
}

// victimFixtures fills the victim project (the bootstrap project) with one
// object of every kind, each carrying a victim marker, and returns their
// IDs by placeholder.
func victimFixtures(t *testing.T, e *smEnv) map[string]string {
	t.Helper()
	ctx := context.Background()
	A := e.Creds.ProjectID
	w := &wafEnv{testEnv: e.testEnv}
	ids := map[string]string{"A_SM_WS": e.ws}
	ids["A_WAF_POLICY"] = w.mustPolicy(t, "alpha-waf-policy")
	ids["A_IP_GROUP"] = str(ok(t, w.call(t, "POST", "ip-groups", `{"name":"alpha-group","ips":"203.0.113.77"}`))["id"])
	ids["A_VALUELIST"] = str(ok(t, w.call(t, "POST", "valuelist", `{"name":"alpha-table","type":"url","values":["/alpha"]}`))["id"])
	ids["A_WHITEBLACKIP"] = str(ok(t, w.call(t, "POST", "policy/"+ids["A_WAF_POLICY"]+"/whiteblackip",
		`{"name":"alpha-wb","addr":"198.51.100.77","white":0}`))["id"])
	ok(t, w.call(t, "POST", "policy/"+ids["A_WAF_POLICY"]+"/whiteblackip", `{"name":"alpha-wbg","ip_group_id":"`+ids["A_IP_GROUP"]+`","white":0}`))
	ids["A_GEOIP"] = str(ok(t, w.call(t, "POST", "policy/"+ids["A_WAF_POLICY"]+"/geoip", `{"name":"alpha-geo","white":0,"geoip":"CN"}`))["id"])
	ids["A_REPUTATION"] = str(ok(t, w.call(t, "POST", "policy/"+ids["A_WAF_POLICY"]+"/ip-reputation",
		`{"name":"alpha-rep","type":"idc","tags":["HW"],"action":{"category":"block"}}`))["id"])
	ids["A_IGNORE"] = str(ok(t, w.call(t, "POST", "policy/"+ids["A_WAF_POLICY"]+"/ignore",
		`{"domain":["alpha.example.com"],"conditions":[{"category":"url","logic_operation":"prefix","contents":["/alpha"]}],"mode":1,"rule":"sqli"}`))["id"])
	ids["A_CUSTOM"] = str(ok(t, w.call(t, "POST", "policy/"+ids["A_WAF_POLICY"]+"/custom",
		`{"name":"alpha-custom","time":false,"priority":3,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/alpha"]}],"action":{"category":"block"}}`))["id"])
	ids["A_CC"] = str(ok(t, w.call(t, "POST", "policy/"+ids["A_WAF_POLICY"]+"/cc",
		`{"name":"alpha-cc","mode":1,"conditions":[{"category":"url","logic_operation":"prefix_any","value_list_id":"`+ids["A_VALUELIST"]+
			`"}],"action":{"category":"block"},"tag_type":"ip","limit_num":5,"limit_period":10}`))["id"])
	ids["A_PUNISHMENT"] = str(ok(t, w.call(t, "POST", "policy/"+ids["A_WAF_POLICY"]+"/punishment",
		`{"category":"long_ip_block","block_time":10,"time_unit":"MINUTE"}`))["id"])
	ids["A_CERT"] = w.mustCertificate(t, "alpha-cert")
	ids["A_HOST"] = str(ok(t, w.call(t, "POST", "instance", `{"hostname":"alpha.example.com","policyid":"`+ids["A_WAF_POLICY"]+
		`","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}],"proxy":false}`))["id"])
	ev := waf.Event{ID: waf.NewID(), ProjectID: A, Time: e.clock.Now().UTC().Truncate(time.Millisecond), HostID: ids["A_HOST"],
		Host: "alpha.example.com", PolicyID: ids["A_WAF_POLICY"], ClientIP: "192.0.2.199", RuleType: waf.EventWhiteBlackIP,
		RuleID: ids["A_WHITEBLACKIP"], Action: "block", Method: "GET", URL: "/", Status: 418}
	if err := e.DB.InsertEvents(ctx, []waf.Event{ev}); err != nil {
		t.Fatal(err)
	}
	ids["A_EVENT"] = ev.ID
	ids["A_SM_POLICY"] = e.create(map[string]string{"block_target": `"192.0.2.177"`, "description": `"alpha-sm"`,
		"defense_policy_list": `[` + defense("CFW", A) + `]`})
	e.create(map[string]string{"block_target": `"alpha-user"`, "policy_type": `{"policy_type":"User Name"}`,
		"defense_policy_list": `[` + defense("IAM", A) + `]`})
	res := e.call("POST", "/v2/"+A+"/access-policy", `{"policy":{"policy_name":"PRIVATE_ACCESS","blacklist_type":"INTERNET"},`+
		`"policy_objects_list":[{"object_id":"alpha-user","object_type":"USER","object_name":"alpha-user"}]}`)
	if res.Status != 200 {
		t.Fatalf("access policy: %d %s", res.Status, res.Raw)
	}
	list := e.call("GET", "/v2/"+A+"/access-policy", "")
	ids["A_ACCESS_POLICY"] = list.Body["policies"].([]any)[0].(map[string]any)["policy_id"].(string)
	e.deliver()
	return ids
}

// intruderFixtures gives the intruder a WAF policy and a certificate of
// its own, to point at the victim's objects.
func intruderFixtures(t *testing.T, e *smEnv, in *intruder) map[string]string {
	t.Helper()
	send := func(method, path, body string) map[string]any {
		res := in.send(t, e, method, "/v1/"+in.project+"/waf/"+path, body, false)
		return ok(t, res)
	}
	c, k := mustPEM(t, "own.example.net", e.clock.Now().Add(90*24*time.Hour))
	wss := in.send(t, e, "GET", "/v1/"+in.project+"/workspaces", "", false)
	if wss.Status != 200 {
		t.Fatalf("own workspaces: %d %s", wss.Status, wss.Raw)
	}
	return map[string]string{
		"OWN_WS":     wss.Body["workspaces"].([]any)[0].(map[string]any)["id"].(string),
		"OWN_POLICY": str(send("POST", "policy", `{"name":"own"}`)["id"]),
		"OWN_CERT":   str(send("POST", "certificate", certBody(t, "own", c, k))["id"]),
	}
}

type crossRef struct{ name, method, path, body string }

// crossReferences are requests on the intruder's own objects that name
// the victim's objects as what they bind to or deliver to.
func crossReferences(in *intruder, ids map[string]string, victim string) []crossRef {
	own := "/v1/" + in.project
	server := `"proxy":false,"server":[{"front_protocol":"HTTPS","back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}]`
	wsBody := func(target string) string {
		return policyBody(map[string]string{"defense_policy_list": `[` + defense("WAF", target) + `]`})
	}
	return []crossRef{
		{"host bound to the victim's policy", "POST", own + "/waf/instance",
			`{"hostname":"x1.example.net","policyid":"` + ids["A_WAF_POLICY"] + `",` + strings.Replace(server, "HTTPS", "HTTP", 1) + `}`},
		{"host with the victim's certificate", "POST", own + "/waf/instance",
			`{"hostname":"x2.example.net","certificateid":"` + ids["A_CERT"] + `","certificatename":"alpha-cert",` + server + `}`},
		{"own policy protecting the victim's host", "PUT", own + "/waf/policy/" + in.own["OWN_POLICY"] + "?hosts=" + ids["A_HOST"], ""},
		{"own rule on the victim's IP group", "POST", own + "/waf/policy/" + in.own["OWN_POLICY"] + "/whiteblackip",
			`{"name":"x","ip_group_id":"` + ids["A_IP_GROUP"] + `","white":1}`},
		{"own certificate applied to the victim's host", "POST", own + "/waf/certificate/" + in.own["OWN_CERT"] + "/apply-to-hosts",
			`{"cloud_host_ids":["` + ids["A_HOST"] + `"]}`},
		{"own precise rule following the victim's known-attack-source rule", "POST", own + "/waf/policy/" + in.own["OWN_POLICY"] + "/custom",
			`{"name":"x","time":false,"priority":1,"conditions":[{"category":"url","logic_operation":"prefix","contents":["/x"]}],` +
				`"action":{"category":"block","followed_action_id":"` + ids["A_PUNISHMENT"] + `"}}`},
		{"own policy following the victim's known-attack-source rule", "PATCH", own + "/waf/policy/" + in.own["OWN_POLICY"],
			`{"action":{"category":"block","followed_action_id":"` + ids["A_PUNISHMENT"] + `"}}`},
		{"own CC rule over the victim's reference table", "POST", own + "/waf/policy/" + in.own["OWN_POLICY"] + "/cc",
			`{"mode":1,"conditions":[{"category":"url","logic_operation":"prefix_any","value_list_id":"` + ids["A_VALUELIST"] + `"}],` +
				`"action":{"category":"block"},"tag_type":"ip","limit_num":5,"limit_period":10}`},
		{"own batch rules on own and victim policies", "POST", own + "/waf/rule/whiteblackip",
			`{"name":"x","addr":"192.0.2.1","white":1,"policy_ids":["` + in.own["OWN_POLICY"] + `","` + ids["A_WAF_POLICY"] + `"]}`},
		{"SecMaster policy delivered to the victim", "POST", own + "/workspaces/" + in.own["OWN_WS"] + "/soc/policys?action_type=create", wsBody(victim)},
		{"SecMaster IAM block of the victim's users", "POST", own + "/workspaces/" + in.own["OWN_WS"] + "/soc/policys?action_type=create",
			policyBody(map[string]string{"block_target": `"admin"`, "policy_type": `{"policy_type":"User Name"}`,
				"defense_policy_list": `[` + defense("IAM", victim) + `]`})},
	}
}

// victimState is everything the victim project holds and enforces, as its
// own user sees it: the family revisions, SecMaster's enforcement rows of
// every layer, and the listings of every family.
func victimState(t *testing.T, e *smEnv) string {
	t.Helper()
	ctx := context.Background()
	A := e.Creds.ProjectID
	var b strings.Builder
	for _, f := range []rampart.Family{rampart.FamilySecMaster, rampart.FamilyWAF, rampart.FamilyWorkspace} {
		rev, err := e.DB.Revision(ctx, A, f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s revision %d\n", f, rev)
	}
	for _, layer := range []string{secmaster.LayerWAF, secmaster.LayerCFW, secmaster.LayerVPC, secmaster.LayerIAM} {
		es := e.enforced(A, layer)
		slices.SortFunc(es, func(x, y secmaster.Enforcement) int {
			return strings.Compare(x.DefenseID+x.Object, y.DefenseID+y.Object)
		})
		fmt.Fprintf(&b, "%s %v\n", layer, es)
	}
	for _, path := range []string{"/waf/policy", "/waf/instance", "/waf/ip-groups", "/waf/certificate", "/waf/event?recent=today",
		"/waf/rule/whiteblackip", "/waf/rule/geoip", "/waf/rule/ip-reputation", "/waf/rule/ignore", "/waf/rule/custom", "/waf/rule/cc", "/waf/valuelist", "/workspaces"} {
		res := e.call("GET", "/v1/"+A+path, "")
		if res.Status != 200 {
			t.Fatalf("victim %s: %d %s", path, res.Status, res.Raw)
		}
		delete(res.Body, "request_id")
		j, _ := json.Marshal(res.Body)
		fmt.Fprintf(&b, "%s %s\n", path, j)
	}
	for _, path := range []string{"/v2/" + A + "/access-policy"} {
		res := e.call("GET", path, "")
		j, _ := json.Marshal(res.Body)
		fmt.Fprintf(&b, "%s %d %s\n", path, res.Status, j)
	}
	for _, q := range []string{"layer=cfw&ip=192.0.2.177", "layer=iam&user=alpha-user",
		"layer=waf&host=alpha.example.com&ip=198.51.100.77", "layer=waf&host=alpha.example.com&ip=203.0.113.77"} {
		res := e.call("GET", "/v1/"+A+"/rampart/decisions?"+q, "")
		if res.Status != 200 || res.Body["action"] != "block" {
			t.Fatalf("victim decision %s: %d %s", q, res.Status, res.Raw)
		}
		fmt.Fprintf(&b, "decision %s %s\n", q, res.Raw)
	}
	s := e.search(`{}`)
	delete(s.Body, "request_id")
	j, _ := json.Marshal(s.Body)
	fmt.Fprintf(&b, "secmaster policies %s\n", j)
	return b.String()
}
