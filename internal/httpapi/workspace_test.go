package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
)

// wksEnv is a real server with the Workspace service wired in.
type wksEnv struct {
	*testEnv
	t    testing.TB
	base string // /v2/{project_id}/access-policy
}

func mustServeWorkspace(tb testing.TB) *wksEnv {
	tb.Helper()
	e := MustServe(tb, httpapi.Config{})
	return &wksEnv{testEnv: e, t: tb, base: "/v2/" + e.Creds.ProjectID + "/access-policy"}
}

// call sends an SDK-signed request; path is relative to the policy root.
func (e *wksEnv) call(method, path, body string) response {
	e.t.Helper()
	return do(e.t, e.signed(e.t, method, e.base+path, body, time.Now(), e.Creds.SecretKey))
}

func (e *wksEnv) revision() int64 {
	e.t.Helper()
	rev, err := e.DB.Revision(context.Background(), e.Creds.ProjectID, rampart.FamilyWorkspace)
	if err != nil {
		e.t.Fatal(err)
	}
	return rev
}

// policies lists every policy of the project.
func (e *wksEnv) policies() []map[string]any {
	e.t.Helper()
	res := e.call("GET", "", "")
	if res.Status != 200 {
		e.t.Fatalf("list: %d %s", res.Status, res.Raw)
	}
	var out []map[string]any
	for _, p := range res.Body["policies"].([]any) {
		out = append(out, p.(map[string]any))
	}
	if got := int(res.Body["total"].(float64)); got != len(out) {
		e.t.Fatalf("total %d, %d policies", got, len(out))
	}
	return out
}

// create makes a policy and returns its ID, found by listing.
func (e *wksEnv) create(body string) string {
	e.t.Helper()
	res := e.call("POST", "", body)
	if res.Status != 200 || res.Raw != "" {
		e.t.Fatalf("create: %d %q", res.Status, res.Raw)
	}
	ps := e.policies()
	if len(ps) != 1 {
		e.t.Fatalf("%d policies after create", len(ps))
	}
	return ps[0]["policy_id"].(string)
}

// objects pages through a policy's objects the way Terraform does: the
// first call without limit/offset, then offset += len(page) until a page
// is empty.
func (e *wksEnv) objects(id string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	path := "/" + id + "/objects"
	for calls := 0; ; calls++ {
		if calls > 100 {
			e.t.Fatal("objects paging does not end")
		}
		res := e.call("GET", path, "")
		if res.Status != 200 {
			e.t.Fatalf("objects: %d %s", res.Status, res.Raw)
		}
		page := res.Body["policy_objects_list"].([]any)
		if len(page) == 0 {
			if got := int(res.Body["total"].(float64)); got != len(out) {
				e.t.Fatalf("total %d, paged %d", got, len(out))
			}
			return out
		}
		for _, o := range page {
			out = append(out, o.(map[string]any))
		}
		path = fmt.Sprintf("/%s/objects?offset=%d", id, len(out))
	}
}

func objectList(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"object_id":"%s%02d","object_type":"USER","object_name":"user %d"}`, prefix, i, i)
	}
	return "[" + b.String() + "]"
}

// TestWorkspaceTerraformFlow follows huaweicloud_workspace_access_policy
// step by step, with the headers and body spellings its client sends.
func TestWorkspaceTerraformFlow(t *testing.T) {
	t.Parallel()
	e := mustServeWorkspace(t)
	tf := func(method, path, body string) response {
		t.Helper()
		req := newRequest(t, method, e.URL+e.base+path, body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Language", "en-us")
		req.Header.Set("X-Project-Id", e.Creds.ProjectID)
		signWith(req, body, e.Creds)
		return do(t, req)
	}

	// 1. Create: Terraform's client spells the objects "policy_object_list".
	res := tf("POST", "", `{"policy":{"policy_name":"PRIVATE_ACCESS","blacklist_type":"INTERNET"},"policy_object_list":`+objectList("u", 23)+`}`)
	if res.Status != 200 || res.Raw != "" {
		t.Fatalf("create: %d %q", res.Status, res.Raw)
	}
	if rev := e.revision(); rev != 1 {
		t.Fatalf("revision after create = %d", rev)
	}

	// 2. List everything and find the ID by name.
	res = tf("GET", "", "")
	var id, created string
	for _, p := range res.Body["policies"].([]any) {
		p := p.(map[string]any)
		if p["policy_name"] == "PRIVATE_ACCESS" {
			id, created = p["policy_id"].(string), p["create_time"].(string)
			if p["blacklist_type"] != "INTERNET" || p["access_control_type"] != "ACCESS_TYPE" || p["ip_total_count"] != 0.0 {
				t.Fatalf("policy = %v", p)
			}
		}
	}
	if id == "" {
		t.Fatalf("no PRIVATE_ACCESS policy in %s", res.Raw)
	}
	if _, err := time.Parse(time.RFC3339, created); err != nil {
		t.Fatalf("create_time %q: %v", created, err)
	}

	// 3. Read objects: first page without limit/offset, then until empty.
	objs := e.objects(id)
	if len(objs) != 23 || objs[0]["object_id"] != "u00" || objs[22]["object_id"] != "u22" || objs[5]["object_name"] != "user 5" {
		t.Fatalf("objects = %v", objs)
	}

	// 4. Update = replace the objects.
	res = tf("PUT", "/"+id+"/objects", `{"policy_objects_list":[{"object_id":"g1","object_type":"USERGROUP","object_name":"ops"},{"object_id":"u03","object_type":"USER"}]}`)
	if res.Status != 200 {
		t.Fatalf("update objects: %d %s", res.Status, res.Raw)
	}
	objs = e.objects(id)
	if len(objs) != 2 || objs[0]["object_id"] != "g1" || objs[0]["object_type"] != "USERGROUP" || objs[1]["object_name"] != "" {
		t.Fatalf("objects after update = %v", objs)
	}
	// An empty blacklist is omitted by Terraform's client: {} clears.
	if res = tf("PUT", "/"+id+"/objects", `{}`); res.Status != 200 {
		t.Fatalf("clear objects: %d %s", res.Status, res.Raw)
	}
	if objs = e.objects(id); len(objs) != 0 {
		t.Fatalf("objects after clearing = %v", objs)
	}

	// 5. Delete by body.
	if res = tf("DELETE", "", `{"policy_id_list":["`+id+`"]}`); res.Status != 200 || res.Raw != "" {
		t.Fatalf("delete: %d %q", res.Status, res.Raw)
	}

	// 6. List again: no match, so Terraform considers the resource gone;
	// deleting again answers 404, which it also reads as gone.
	if ps := e.policies(); len(ps) != 0 {
		t.Fatalf("policies after delete = %v", ps)
	}
	wantError(t, tf("DELETE", "", `{"policy_id_list":["`+id+`"]}`), 404, "WKS.00081104")
	if rev := e.revision(); rev != 4 {
		t.Fatalf("revision after 4 writes = %d, want 4", rev)
	}
}

// signWith signs req like the SDK, without touching its headers.
func signWith(req *http.Request, body string, c *iam.Credentials) {
	signRequest(req, []byte(body), c.AccessKey, c.SecretKey)
}

// signRequest signs req with an AK/SK pair at the current time.
func signRequest(req *http.Request, body []byte, ak, sk string) {
	aksk.Sign(req, body, ak, sk, time.Now())
}

func TestWorkspaceIPWhitelist(t *testing.T) {
	t.Parallel()
	e := mustServeWorkspace(t)
	id := e.create(`{"policy":{"policy_name":"PRIVATE_ACCESS","access_control_type":"IP_WHITE_LIST",
		"ip_list":[{"ip_address":"10.1.2.3","subnet_mask":"255.255.255.0"},{"ip_address":"10.1.2.9","subnet_mask":"24"}],
		"ip_total_count":99}}`)
	get := func() map[string]any {
		t.Helper()
		return e.policies()[0]
	}
	ips := func(p map[string]any) string {
		var out []string
		for _, ip := range p["ip_list"].([]any) {
			ip := ip.(map[string]any)
			out = append(out, ip["ip_address"].(string)+"/"+ip["subnet_mask"].(string))
		}
		if int(p["ip_total_count"].(float64)) != len(out) {
			t.Fatalf("ip_total_count %v for %d entries", p["ip_total_count"], len(out))
		}
		return strings.Join(out, ",")
	}
	p := get()
	// The second entry names the same network and is kept once; the sent
	// ip_total_count is ignored.
	if got := ips(p); got != "10.1.2.3/255.255.255.0" || p["is_enable"] != false || p["is_block_all"] != false {
		t.Fatalf("created: %s %v", got, p)
	}
	ok := func(body string) {
		t.Helper()
		if res := e.call("PUT", "/"+id, body); res.Status != 200 || res.Raw != "" {
			t.Fatalf("%s: %d %q", body, res.Status, res.Raw)
		}
	}
	ok(`{"operation_type":"ADD_IP","ip_white_list":[{"ip_address":"192.0.2.7","subnet_mask":"255.255.255.255"},{"ip_address":"2001:DB8::","subnet_mask":"32"}]}`)
	if got := ips(get()); got != "10.1.2.3/255.255.255.0,192.0.2.7/255.255.255.255,2001:db8::/32" {
		t.Fatalf("after ADD_IP: %s", got)
	}
	ok(`{"operation_type":"DELETE_IP","ip_white_list":[{"ip_address":"10.1.2.200","subnet_mask":"24"},{"ip_address":"198.51.100.1","subnet_mask":"32"}]}`)
	if got := ips(get()); got != "192.0.2.7/255.255.255.255,2001:db8::/32" {
		t.Fatalf("after DELETE_IP: %s", got)
	}

	// is_block_all cannot change while the whitelist is disabled.
	rev := e.revision()
	wantError(t, e.call("PUT", "/"+id, `{"is_block_all":true}`), 400, "WKS.00081108")
	if e.revision() != rev || get()["is_block_all"] != false {
		t.Fatal("refused is_block_all was stored")
	}
	// is_enable has priority: the other fields are ignored.
	ok(`{"is_enable":true,"is_block_all":true,"operation_type":"DELETE_IP","ip_white_list":[{"ip_address":"192.0.2.7","subnet_mask":"32"}]}`)
	p = get()
	if p["is_enable"] != true || p["is_block_all"] != false || ips(p) != "192.0.2.7/255.255.255.255,2001:db8::/32" {
		t.Fatalf("after is_enable: %v", p)
	}
	// is_block_all must come alone.
	wantError(t, e.call("PUT", "/"+id, `{"is_block_all":true,"operation_type":"ADD_IP","ip_white_list":[{"ip_address":"1.2.3.4","subnet_mask":"32"}]}`), 400, "WKS.00081107")
	ok(`{"is_block_all":true}`)
	if p = get(); p["is_block_all"] != true || p["is_enable"] != true {
		t.Fatalf("after is_block_all: %v", p)
	}
	ok(`{"is_enable":false}`)
	if p = get(); p["is_enable"] != false || p["is_block_all"] != true {
		t.Fatalf("after disabling: %v", p)
	}
	wantError(t, e.call("PUT", "/"+id, `{"is_block_all":false}`), 400, "WKS.00081108")
	if e.revision() != rev+3 {
		t.Fatalf("revision = %d, want %d", e.revision(), rev+3)
	}

	// The filter.
	for _, tc := range []struct {
		query string
		n     int
	}{{"", 1}, {"?access_control_type=IP_WHITE_LIST", 1}, {"?access_control_type=ACCESS_TYPE", 0}, {"?access_control_type", 1}} {
		res := e.call("GET", tc.query, "")
		if res.Status != 200 || len(res.Body["policies"].([]any)) != tc.n || int(res.Body["total"].(float64)) != tc.n {
			t.Fatalf("%q: %d %s", tc.query, res.Status, res.Raw)
		}
	}
}

func TestWorkspaceCreateValidation(t *testing.T) {
	t.Parallel()
	e := mustServeWorkspace(t)
	pol := func(fields string) string { return `{"policy":{"policy_name":"PRIVATE_ACCESS"` + fields + `}}` }
	ip := func(addr, mask string) string {
		return pol(`,"access_control_type":"IP_WHITE_LIST","ip_list":[{"ip_address":"` + addr + `","subnet_mask":"` + mask + `"}]`)
	}
	obj := func(o string) string {
		return `{"policy":{"policy_name":"PRIVATE_ACCESS"},"policy_objects_list":[` + o + `]}`
	}
	for _, tc := range []struct {
		name, body string
		ct         string
		status     int
		code       string
	}{
		{"EmptyBody", "", "application/json", 400, "WKS.0001"},
		{"NotJSON", `{"policy":`, "", 400, "WKS.0001"},
		{"WrongType", `{"policy":{"is_enable":"yes"}}`, "", 400, "WKS.0001"},
		{"NotJSONContentType", pol(""), "text/plain", 400, "WKS.0001"},
		{"NoPolicy", `{"policy_objects_list":[]}`, "", 400, "WKS.00081106"},
		{"NullPolicy", `{"policy":null}`, "", 400, "WKS.00081106"},
		{"CustomName", `{"policy":{"policy_name":"MY_POLICY"}}`, "", 400, "WKS.00081106"},
		{"BlacklistType", pol(`,"blacklist_type":"INTRANET"`), "", 400, "WKS.00081106"},
		{"AccessControlType", pol(`,"access_control_type":"IP_BLACK_LIST"`), "", 400, "WKS.00081106"},
		{"AccessControlTypeCase", pol(`,"access_control_type":"ip_white_list"`), "", 400, "WKS.00081106"},
		{"IPMissing", ip("", "24"), "", 400, "WKS.00081106"},
		{"IPBad", ip("10.0.0.256", "24"), "", 400, "WKS.00081106"},
		{"IPHostname", ip("example.com", "24"), "", 400, "WKS.00081106"},
		{"IPWithPrefix", ip("10.0.0.0/8", "8"), "", 400, "WKS.00081106"},
		{"IPZone", ip("fe80::1%eth0", "64"), "", 400, "WKS.00081106"},
		{"MaskMissing", ip("10.0.0.0", ""), "", 400, "WKS.00081106"},
		{"MaskNotContiguous", ip("10.0.0.0", "255.0.255.0"), "", 400, "WKS.00081106"},
		{"MaskHoles", ip("10.0.0.0", "255.255.255.1"), "", 400, "WKS.00081106"},
		{"MaskOctet", ip("10.0.0.0", "256.0.0.0"), "", 400, "WKS.00081106"},
		{"MaskPrefixTooLong", ip("10.0.0.0", "33"), "", 400, "WKS.00081106"},
		{"MaskSlash", ip("10.0.0.0", "/24"), "", 400, "WKS.00081106"},
		{"MaskLeadingZero", ip("10.0.0.0", "08"), "", 400, "WKS.00081106"},
		{"MaskNegative", ip("10.0.0.0", "-1"), "", 400, "WKS.00081106"},
		{"MaskDottedForIPv6", ip("2001:db8::", "255.255.0.0"), "", 400, "WKS.00081106"},
		{"MaskIPv6TooLong", ip("2001:db8::", "129"), "", 400, "WKS.00081106"},
		{"BlockAllWhileDisabled", pol(`,"access_control_type":"IP_WHITE_LIST","is_block_all":true`), "", 400, "WKS.00081108"},
		{"ObjectTypeMissing", obj(`{"object_id":"u1"}`), "", 400, "WKS.00081106"},
		{"ObjectTypeBad", obj(`{"object_id":"u1","object_type":"ROLE"}`), "", 400, "WKS.00081106"},
		{"ObjectTypeCase", obj(`{"object_id":"u1","object_type":"user"}`), "", 400, "WKS.00081106"},
		{"ObjectIDMissing", obj(`{"object_type":"USER","object_name":"alice"}`), "", 400, "WKS.00081106"},
		{"ObjectIDTooLong", obj(`{"object_type":"USER","object_id":"` + strings.Repeat("x", 256) + `"}`), "", 400, "WKS.00081106"},
		// The decision API refuses such user and group IDs, so an object
		// with one could never match: it would be stored and never enforced.
		{"ObjectIDSpace", obj(`{"object_type":"USER","object_id":"alice smith"}`), "", 400, "WKS.00081106"},
		{"ObjectIDLeadingSpace", obj(`{"object_type":"USERGROUP","object_id":" g1"}`), "", 400, "WKS.00081106"},
		{"ObjectIDControl", obj(`{"object_type":"USER","object_id":"u1\n"}`), "", 400, "WKS.00081106"},
		{"ObjectIDDelete", obj(`{"object_type":"USER","object_id":"u\u007f1"}`), "", 400, "WKS.00081106"},
		{"ObjectIDInvalidUTF8", obj(`{"object_type":"USER","object_id":"u\ufffd"}`), "", 400, "WKS.00081106"},
		{"TooManyObjects", `{"policy":{},"policy_objects_list":` + objectList("u", 1001) + `}`, "", 400, "WKS.00081106"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := e.signed(t, "POST", e.base, tc.body, time.Now(), e.Creds.SecretKey)
			if tc.ct != "" {
				req = newRequest(t, "POST", e.URL+e.base, tc.body)
				req.Header.Set("Content-Type", tc.ct)
				req.Header.Set("X-Project-Id", e.Creds.ProjectID)
				signRequest(req, []byte(tc.body), e.Creds.AccessKey, e.Creds.SecretKey)
			}
			wantError(t, do(t, req), tc.status, tc.code)
			if ps := e.policies(); len(ps) != 0 {
				t.Fatalf("a refused create stored %v", ps)
			}
			if rev := e.revision(); rev != 0 {
				t.Fatalf("a refused create bumped the revision to %d", rev)
			}
		})
	}
}

func TestWorkspaceCreateAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, body, check string }{
		{"Defaults", `{"policy":{}}`, "PRIVATE_ACCESS INTERNET ACCESS_TYPE"},
		{"CharsetUTF8", `{"policy":{"policy_name":"PRIVATE_ACCESS","blacklist_type":"INTERNET"}}`, "PRIVATE_ACCESS INTERNET ACCESS_TYPE"},
		{"ExtraFields", `{"policy":{"policy_name":"PRIVATE_ACCESS","colour":"blue"},"x":[1]}`, "PRIVATE_ACCESS INTERNET ACCESS_TYPE"},
		{"ZeroMask", `{"policy":{"access_control_type":"IP_WHITE_LIST","ip_list":[{"ip_address":"0.0.0.0","subnet_mask":"0.0.0.0"}],"is_enable":true,"is_block_all":true}}`, "PRIVATE_ACCESS INTERNET IP_WHITE_LIST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := mustServeWorkspace(t)
			req := newRequest(t, "POST", e.URL+e.base, tc.body)
			req.Header.Set("Content-Type", "application/json;charset=utf8")
			signRequest(req, []byte(tc.body), e.Creds.AccessKey, e.Creds.SecretKey)
			if res := do(t, req); res.Status != 200 {
				t.Fatalf("%d %s", res.Status, res.Raw)
			}
			p := e.policies()[0]
			if got := fmt.Sprint(p["policy_name"], " ", p["blacklist_type"], " ", p["access_control_type"]); got != tc.check {
				t.Fatalf("policy = %v", p)
			}
		})
	}
}

func TestWorkspaceNameConflict(t *testing.T) {
	t.Parallel()
	e := mustServeWorkspace(t)
	e.create(`{"policy":{"policy_name":"PRIVATE_ACCESS","blacklist_type":"INTERNET"},"policy_objects_list":[{"object_id":"u1","object_type":"USER"}]}`)
	rev := e.revision()
	wantError(t, e.call("POST", "", `{"policy":{"policy_name":"PRIVATE_ACCESS","access_control_type":"IP_WHITE_LIST"}}`), 409, "WKS.00081101")
	if len(e.policies()) != 1 || e.revision() != rev {
		t.Fatal("conflicting create changed the store")
	}
}

func TestWorkspaceUpdateValidation(t *testing.T) {
	t.Parallel()
	e := mustServeWorkspace(t)
	id := e.create(`{"policy":{"access_control_type":"IP_WHITE_LIST","ip_list":[{"ip_address":"192.0.2.0","subnet_mask":"24"}]},
		"policy_objects_list":[{"object_id":"u1","object_type":"USER","object_name":"alice"}]}`)
	before := e.call("GET", "", "").Raw
	beforeObjs := e.call("GET", "/"+id+"/objects", "").Raw
	rev := e.revision()
	unknown := "0b5c2d0e-1111-4222-8333-944455556666"
	ips := func(n int) string {
		var b []string
		for i := 0; i < n; i++ {
			b = append(b, fmt.Sprintf(`{"ip_address":"10.%d.%d.0","subnet_mask":"24"}`, i/256, i%256))
		}
		return "[" + strings.Join(b, ",") + "]"
	}
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"UpdateEmptyBody", "PUT", "/" + id, "", 400, "WKS.0001"},
		{"UpdateNothing", "PUT", "/" + id, `{}`, 400, "WKS.00081106"},
		{"UpdateNoOperation", "PUT", "/" + id, `{"ip_white_list":[{"ip_address":"1.2.3.4","subnet_mask":"32"}]}`, 400, "WKS.00081106"},
		{"UpdateBadOperation", "PUT", "/" + id, `{"operation_type":"REPLACE_IP","ip_white_list":[{"ip_address":"1.2.3.4","subnet_mask":"32"}]}`, 400, "WKS.00081106"},
		{"UpdateNoIPs", "PUT", "/" + id, `{"operation_type":"ADD_IP"}`, 400, "WKS.00081106"},
		{"UpdateEmptyIPs", "PUT", "/" + id, `{"operation_type":"DELETE_IP","ip_white_list":[]}`, 400, "WKS.00081106"},
		{"UpdateBadIP", "PUT", "/" + id, `{"operation_type":"ADD_IP","ip_white_list":[{"ip_address":"1.2.3","subnet_mask":"32"}]}`, 400, "WKS.00081106"},
		{"UpdateBadMask", "PUT", "/" + id, `{"operation_type":"ADD_IP","ip_white_list":[{"ip_address":"1.2.3.4","subnet_mask":"255.255.0.255"}]}`, 400, "WKS.00081106"},
		{"UpdateTooManyIPs", "PUT", "/" + id, `{"operation_type":"ADD_IP","ip_white_list":` + ips(1000) + `}`, 400, "WKS.00081106"},
		{"UpdateBlockAllDisabled", "PUT", "/" + id, `{"is_block_all":true}`, 400, "WKS.00081108"},
		{"UpdateBlockAllNotAlone", "PUT", "/" + id, `{"is_block_all":true,"operation_type":"ADD_IP"}`, 400, "WKS.00081107"},
		{"UpdateUnknown", "PUT", "/" + unknown, `{"is_enable":true}`, 404, "WKS.00081104"},
		{"UpdateMalformedID", "PUT", "/bad%20id", `{"is_enable":true}`, 400, "WKS.00081106"},
		{"ObjectsEmptyBody", "PUT", "/" + id + "/objects", "", 400, "WKS.0001"},
		{"ObjectsBadType", "PUT", "/" + id + "/objects", `{"policy_objects_list":[{"object_id":"g","object_type":"GROUP"}]}`, 400, "WKS.00081106"},
		{"ObjectsNoID", "PUT", "/" + id + "/objects", `{"policy_objects_list":[{"object_type":"USER"}]}`, 400, "WKS.00081106"},
		{"ObjectsUnknown", "PUT", "/" + unknown + "/objects", `{"policy_objects_list":[]}`, 404, "WKS.00081104"},
		{"ObjectsListUnknown", "GET", "/" + unknown + "/objects", "", 404, "WKS.00081104"},
		{"ObjectsListMalformedID", "GET", "/" + strings.Repeat("a", 65) + "/objects", "", 400, "WKS.00081106"},
		{"DeleteEmptyBody", "DELETE", "", "", 400, "WKS.0001"},
		{"DeleteNoList", "DELETE", "", `{}`, 400, "WKS.00081106"},
		{"DeleteEmptyList", "DELETE", "", `{"policy_id_list":[]}`, 400, "WKS.00081106"},
		{"DeleteMalformedID", "DELETE", "", `{"policy_id_list":["a/b"]}`, 400, "WKS.00081106"},
		{"DeleteSomeUnknown", "DELETE", "", `{"policy_id_list":["` + id + `","` + unknown + `"]}`, 404, "WKS.00081104"},
		{"ListBadLimit", "GET", "?limit=abc", "", 400, "WKS.00081106"},
		{"ListLimitTooBig", "GET", "?limit=101", "", 400, "WKS.00081106"},
		{"ListLimitNegative", "GET", "?limit=-1", "", 400, "WKS.00081106"},
		{"ListOffsetTooBig", "GET", "?offset=100", "", 400, "WKS.00081106"},
		{"ListBadType", "GET", "?access_control_type=OTHER", "", 400, "WKS.00081106"},
		{"ObjectsLimitTooBig", "GET", "/" + id + "/objects?limit=2001", "", 400, "WKS.00081106"},
		{"ObjectsOffsetTooBig", "GET", "/" + id + "/objects?offset=2000", "", 400, "WKS.00081106"},
		{"ObjectsOffsetNegative", "GET", "/" + id + "/objects?offset=-1", "", 400, "WKS.00081106"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, e.call(tc.method, tc.path, tc.body), tc.status, tc.code)
			if got := e.call("GET", "", "").Raw; got != before {
				t.Fatalf("policies changed:\n%s\n%s", before, got)
			}
			if got := e.call("GET", "/"+id+"/objects", "").Raw; got != beforeObjs {
				t.Fatalf("objects changed:\n%s\n%s", beforeObjs, got)
			}
			if e.revision() != rev {
				t.Fatal("revision bumped by a refused request")
			}
		})
	}
}

func TestWorkspacePaging(t *testing.T) {
	t.Parallel()
	e := mustServeWorkspace(t)
	id := e.create(`{"policy":{},"policy_objects_list":` + objectList("u", 30) + `}`)
	for _, tc := range []struct {
		query    string
		n, first int
		total    int
	}{
		{"", 10, 0, 30},
		{"?limit=0", 10, 0, 30},
		{"?limit=7&offset=28", 2, 28, 30},
		{"?limit=2000", 30, 0, 30},
		{"?offset=30", 0, 0, 30},
		{"?offset=1999", 0, 0, 30},
		{"?limit&offset", 10, 0, 30},
	} {
		res := e.call("GET", "/"+id+"/objects"+tc.query, "")
		if res.Status != 200 {
			t.Fatalf("%q: %d %s", tc.query, res.Status, res.Raw)
		}
		list := res.Body["policy_objects_list"].([]any)
		if len(list) != tc.n || int(res.Body["total"].(float64)) != tc.total {
			t.Fatalf("%q: %d items, total %v", tc.query, len(list), res.Body["total"])
		}
		if tc.n > 0 && list[0].(map[string]any)["object_id"] != fmt.Sprintf("u%02d", tc.first) {
			t.Fatalf("%q: first = %v", tc.query, list[0])
		}
		if tc.n == 0 && !strings.Contains(res.Raw, `"policy_objects_list":[]`) {
			t.Fatalf("%q: empty page is not []: %s", tc.query, res.Raw)
		}
	}
	for _, q := range []string{"?offset=1", "?offset=99", "?limit=100&offset=0"} {
		res := e.call("GET", q, "")
		want := 1
		if q != "?limit=100&offset=0" {
			want = 0
		}
		if res.Status != 200 || len(res.Body["policies"].([]any)) != want || res.Body["total"] != 1.0 {
			t.Fatalf("%q: %d %s", q, res.Status, res.Raw)
		}
		if want == 0 && !strings.Contains(res.Raw, `"policies":[]`) {
			t.Fatalf("%q: empty page is not []: %s", q, res.Raw)
		}
	}
}

func TestWorkspaceProjectIsolation(t *testing.T) {
	t.Parallel()
	e := mustServeWorkspace(t)
	ctx := context.Background()
	other, err := e.IAM.CreateProject(ctx, "acme", "other-region", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.IAM.Grant(ctx, "acme", iam.AdminUserName, other.ID); err != nil {
		t.Fatal(err)
	}
	id := e.create(`{"policy":{},"policy_objects_list":[{"object_id":"u1","object_type":"USER"}]}`)
	o := &wksEnv{testEnv: e.testEnv, t: t, base: "/v2/" + other.ID + "/access-policy"}
	if ps := o.policies(); len(ps) != 0 {
		t.Fatalf("other project sees %v", ps)
	}
	wantError(t, o.call("GET", "/"+id+"/objects", ""), 404, "WKS.00081104")
	wantError(t, o.call("PUT", "/"+id+"/objects", `{"policy_objects_list":[]}`), 404, "WKS.00081104")
	wantError(t, o.call("PUT", "/"+id, `{"is_enable":true}`), 404, "WKS.00081104")
	wantError(t, o.call("DELETE", "", `{"policy_id_list":["`+id+`"]}`), 404, "WKS.00081104")
	// The same name is free in the other project.
	o.create(`{"policy":{"policy_name":"PRIVATE_ACCESS"}}`)
	if objs := e.objects(id); len(objs) != 1 {
		t.Fatalf("owner's objects = %v", objs)
	}
	// A project the caller was not granted is refused by the gateway.
	req := newRequest(t, "GET", e.URL+"/v2/"+strings.Repeat("0", 32)+"/access-policy", "")
	signRequest(req, nil, e.Creds.AccessKey, e.Creds.SecretKey)
	wantError(t, do(t, req), 403, "APIGW.0302")
}
