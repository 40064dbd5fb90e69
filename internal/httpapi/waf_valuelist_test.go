package httpapi_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

func TestWAFValueListLifecycle(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	created := ok(t, e.call(t, "POST", "valuelist", `{"name":"admin_paths","type":"url","values":["/admin","/manage"],"description":"back office"}`))
	id := str(created["id"])
	if len(id) != 32 || created["name"] != "admin_paths" || created["type"] != "url" || fmt.Sprint(created["values"]) != "[/admin /manage]" ||
		created["description"] != "back office" || num(created["producer"]) != 1 || num(created["timestamp"]) == 0 {
		t.Fatalf("create answered %v", created)
	}
	show := ok(t, e.call(t, "GET", "valuelist/"+id, ""))
	if show["name"] != "admin_paths" || fmt.Sprint(show["values"]) != "[/admin /manage]" || num(show["timestamp"]) != num(created["timestamp"]) {
		t.Fatalf("show answered %v", show)
	}
	ok(t, e.call(t, "POST", "valuelist", `{"name":"blocked.ips","type":"ip","values":["192.0.2.1","2001:db8::/32"]}`))
	ok(t, e.call(t, "POST", "valuelist?enterprise_project_id=ep-1", `{"name":"agents","type":"user-agent","values":["curl"]}`))

	list := ok(t, e.call(t, "GET", "valuelist", ""))
	if num(list["total"]) != 2 || len(items(t, list)) != 2 {
		t.Fatalf("list of enterprise project 0: %v", list)
	}
	if l := ok(t, e.call(t, "GET", "valuelist?enterprise_project_id=all_granted_eps&page=2&pagesize=2", "")); num(l["total"]) != 3 ||
		len(items(t, l)) != 1 || items(t, l)[0].(map[string]any)["name"] != "agents" {
		t.Fatalf("page 2 of every enterprise project: %v", l)
	}
	if l := ok(t, e.call(t, "GET", "valuelist?name=admin", "")); num(l["total"]) != 1 || items(t, l)[0].(map[string]any)["id"] != id {
		t.Fatalf("name filter: %v", l)
	}
	if l := ok(t, e.call(t, "GET", "valuelist?page=9&pagesize=10", "")); num(l["total"]) != 2 || len(items(t, l)) != 0 {
		t.Fatalf("past the end: %v", l)
	}

	// Values and description stay when the SDK leaves them out.
	up := ok(t, e.call(t, "PUT", "valuelist/"+id, `{"name":"admin_paths2","type":"url"}`))
	if up["name"] != "admin_paths2" || fmt.Sprint(up["values"]) != "[/admin /manage]" || up["description"] != "back office" {
		t.Fatalf("update answered %v", up)
	}
	ok(t, e.call(t, "PUT", "valuelist/"+id, `{"name":"admin_paths2","type":"url","values":["/root"],"description":""}`))
	show = ok(t, e.call(t, "GET", "valuelist/"+id, ""))
	if fmt.Sprint(show["values"]) != "[/root]" || show["description"] != "" || show["type"] != "url" {
		t.Fatalf("after the update: %v", show)
	}
	// The delete answers its own time, not the table's creation time: the
	// server's clock is moved past the creation before it.
	e.clock.Add(5 * time.Second)
	deletedAt := e.clock.Now().UnixMilli()
	del := ok(t, e.call(t, "DELETE", "valuelist/"+id, ""))
	if del["id"] != id || del["name"] != "admin_paths2" || del["type"] != "url" || int64(num(del["timestamp"])) != deletedAt ||
		int64(num(del["timestamp"])) == int64(num(created["timestamp"])) {
		t.Fatalf("delete answered %v", del)
	}
	wantError(t, e.call(t, "GET", "valuelist/"+id, ""), 404, "WAF.00022001")
	wantError(t, e.call(t, "PUT", "valuelist/"+id, `{"name":"x1","type":"url"}`), 404, "WAF.00022001")
	wantError(t, e.call(t, "DELETE", "valuelist/"+id, ""), 404, "WAF.00022001")
}

func TestWAFValueListValidation(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	id := str(ok(t, e.call(t, "POST", "valuelist", `{"name":"taken","type":"url","values":["/a"]}`))["id"])
	ok(t, e.call(t, "POST", "valuelist", `{"name":"other","type":"url","values":["/a"]}`))
	many := `"/v0"` + strings.Repeat(`,"/v"`, 30)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"NoName", "POST", "valuelist", `{"type":"url","values":["/a"]}`, 400, "WAF.00021005"},
		{"ShortName", "POST", "valuelist", `{"name":"a","type":"url","values":["/a"]}`, 400, "WAF.00021005"},
		{"LongName", "POST", "valuelist", `{"name":"` + strings.Repeat("a", 65) + `","type":"url","values":["/a"]}`, 400, "WAF.00021005"},
		{"NameWithSpace", "POST", "valuelist", `{"name":"a b","type":"url","values":["/a"]}`, 400, "WAF.00021005"},
		{"DuplicateName", "POST", "valuelist", `{"name":"taken","type":"ip","values":["192.0.2.1"]}`, 400, "WAF.00011016"},
		{"NoType", "POST", "valuelist", `{"name":"t1","values":["/a"]}`, 400, "WAF.00021003"},
		{"UnknownType", "POST", "valuelist", `{"name":"t1","type":"method","values":["GET"]}`, 400, "WAF.00021003"},
		{"TypeNotString", "POST", "valuelist", `{"name":"t1","type":1,"values":["/a"]}`, 400, "WAF.00021003"},
		{"NoValues", "POST", "valuelist", `{"name":"t1","type":"url"}`, 400, "WAF.00021003"},
		{"EmptyValues", "POST", "valuelist", `{"name":"t1","type":"url","values":[]}`, 400, "WAF.00021003"},
		{"EmptyValue", "POST", "valuelist", `{"name":"t1","type":"url","values":[""]}`, 400, "WAF.00021003"},
		{"ControlCharacter", "POST", "valuelist", `{"name":"t1","type":"url","values":["/a\n"]}`, 400, "WAF.00021003"},
		{"LongValue", "POST", "valuelist", `{"name":"t1","type":"url","values":["/` + strings.Repeat("a", 2048) + `"]}`, 400, "WAF.00021003"},
		{"ThirtyOneValues", "POST", "valuelist", `{"name":"t1","type":"url","values":[` + many + `]}`, 400, "WAF.00021021"},
		{"ValueNotString", "POST", "valuelist", `{"name":"t1","type":"url","values":[1]}`, 400, "WAF.00021003"},
		{"BadIP", "POST", "valuelist", `{"name":"t1","type":"ip","values":["192.0.2.300"]}`, 400, "WAF.00021009"},
		{"AllAddresses", "POST", "valuelist", `{"name":"t1","type":"ip","values":["0.0.0.0/0"]}`, 400, "WAF.00021009"},
		{"BadResponseCode", "POST", "valuelist", `{"name":"t1","type":"response_code","values":["2000"]}`, 400, "WAF.00021003"},
		{"LongDescription", "POST", "valuelist", `{"name":"t1","type":"url","values":["/a"],"description":"` + strings.Repeat("d", 129) + `"}`, 400, "WAF.00021016"},
		{"AllEnterpriseProjects", "POST", "valuelist?enterprise_project_id=all_granted_eps", `{"name":"t1","type":"url","values":["/a"]}`, 400, "WAF.00012010"},
		{"UpdateChangesType", "PUT", "valuelist/" + id, `{"name":"taken","type":"ip","values":["192.0.2.1"]}`, 400, "WAF.00021003"},
		{"UpdateWithoutType", "PUT", "valuelist/" + id, `{"name":"taken","values":["/b"]}`, 400, "WAF.00021003"},
		{"UpdateWithoutName", "PUT", "valuelist/" + id, `{"type":"url","values":["/b"]}`, 400, "WAF.00021005"},
		{"UpdateToTakenName", "PUT", "valuelist/" + id, `{"name":"other","type":"url"}`, 400, "WAF.00011016"},
		{"UpdateEmptyValues", "PUT", "valuelist/" + id, `{"name":"taken","type":"url","values":[]}`, 400, "WAF.00021003"},
		{"BadID", "GET", "valuelist/bad.id", "", 400, "WAF.00021004"},
		{"UnknownID", "GET", "valuelist/0123456789abcdef0123456789abcdef", "", 404, "WAF.00022001"},
		{"PageSizeTooLarge", "GET", "valuelist?pagesize=101", "", 400, "WAF.00021020"},
		{"PageZero", "GET", "valuelist?page=0", "", 400, "WAF.00021020"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, e.call(t, tc.method, tc.path, tc.body), tc.status, tc.code)
		})
	}
	// Nothing refused was stored or changed.
	if l := ok(t, e.call(t, "GET", "valuelist?enterprise_project_id=all_granted_eps", "")); num(l["total"]) != 2 {
		t.Fatalf("refused writes stored tables: %v", l)
	}
	if s := ok(t, e.call(t, "GET", "valuelist/"+id, "")); s["name"] != "taken" || fmt.Sprint(s["values"]) != "[/a]" {
		t.Fatalf("refused updates changed the table: %v", s)
	}
}

// TestWAFValueListTypes creates a table of every type the SDK enumerates,
// and accepts the SDK's misspelt response_body type on update.
func TestWAFValueListTypes(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	value := map[string]string{"ip": "198.51.100.0/24", "response_code": "403"}
	for _, typ := range waf.ValueListTypes {
		v := value[typ]
		if v == "" {
			v = "x-value"
		}
		res := ok(t, e.call(t, "POST", "valuelist", `{"name":"t_`+typ+`","type":"`+typ+`","values":["`+v+`"]}`))
		if res["type"] != typ {
			t.Fatalf("type %s answered %v", typ, res)
		}
		if typ == "response_body" {
			up := ok(t, e.call(t, "PUT", "valuelist/"+str(res["id"]), `{"name":"t_body","type":"resopnse_body"}`))
			if up["type"] != "response_body" || up["name"] != "t_body" {
				t.Fatalf("update with the SDK's resopnse_body: %v", up)
			}
		}
	}
	if l := ok(t, e.call(t, "GET", "valuelist", "")); num(l["total"]) != len(waf.ValueListTypes) {
		t.Fatalf("listed %v tables, want %d", l["total"], len(waf.ValueListTypes))
	}
}

// TestWAFValueListQuota fills a project up to its quota of reference tables.
func TestWAFValueListQuota(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	for i := range waf.MaxValueLists {
		ok(t, e.call(t, "POST", "valuelist", `{"name":"q`+strconv.Itoa(i)+`","type":"url","values":["/a"]}`))
	}
	wantError(t, e.call(t, "POST", "valuelist?enterprise_project_id=ep-2", `{"name":"one_more","type":"url","values":["/a"]}`), 403, "WAF.00022005")
	first := str(items(t, ok(t, e.call(t, "GET", "valuelist?pagesize=1", "")))[0].(map[string]any)["id"])
	ok(t, e.call(t, "DELETE", "valuelist/"+first, ""))
	ok(t, e.call(t, "POST", "valuelist", `{"name":"one_more","type":"url","values":["/a"]}`))
}

// TestWAFValueListTerraform replays what huaweicloud_waf_reference_table
// and the huaweicloud_waf_reference_tables data source send and read:
// create with enterprise_project_id in the query, read by ID (name, type,
// values as conditions, description, timestamp as creation_time), update
// with every field and an empty description, import by ID, delete, and a
// read after the delete that must answer 404 for Terraform to drop it.
func TestWAFValueListTerraform(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	const eps = "?enterprise_project_id=0"
	created := ok(t, e.call(t, "POST", "valuelist"+eps, `{"name":"tf_table","type":"header","values":["X-Debug","X-Trace"],"description":"tf"}`))
	id := str(created["id"])
	read := func() map[string]any { return ok(t, e.call(t, "GET", "valuelist/"+id+eps, "")) }
	r := read()
	if r["name"] != "tf_table" || r["type"] != "header" || fmt.Sprint(r["values"]) != "[X-Debug X-Trace]" || r["description"] != "tf" ||
		num(r["timestamp"]) == 0 {
		t.Fatalf("read after create: %v", r)
	}
	ok(t, e.call(t, "PUT", "valuelist/"+id+eps, `{"name":"tf_table2","type":"header","values":["X-Debug"],"description":""}`))
	if r = read(); r["name"] != "tf_table2" || fmt.Sprint(r["values"]) != "[X-Debug]" || r["description"] != "" || r["type"] != "header" {
		t.Fatalf("read after update: %v", r)
	}
	// Import is a read by ID without the enterprise project.
	if imp := ok(t, e.call(t, "GET", "valuelist/"+id, "")); imp["name"] != "tf_table2" {
		t.Fatalf("import read: %v", imp)
	}
	// The data source lists with enterprise_project_id and filters by name itself.
	if l := ok(t, e.call(t, "GET", "valuelist"+eps, "")); num(l["total"]) != 1 || items(t, l)[0].(map[string]any)["id"] != id {
		t.Fatalf("data source list: %v", l)
	}
	ok(t, e.call(t, "DELETE", "valuelist/"+id+eps, ""))
	wantError(t, e.call(t, "GET", "valuelist/"+id+eps, ""), 404, "WAF.00022001")
	wantError(t, e.call(t, "DELETE", "valuelist/"+id+eps, ""), 404, "WAF.00022001")
}
