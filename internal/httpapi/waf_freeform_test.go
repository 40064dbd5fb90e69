package httpapi_test

import (
	"strings"
	"testing"
)

// TestWAFFreeFormValuesReadable covers issue 13, finding 1: a free-form
// object (block_page, flag, timeout_config, modulex_options) holding a
// value that does not read back as JSON (a number beyond float64, a NUL,
// deep nesting, a huge object) is refused with WAF.00021003, and the host or
// policy stays readable, listable, updatable and deletable.
func TestWAFFreeFormValuesReadable(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	h := ok(t, e.call(t, "POST", "instance", wafHostBody))
	id, policy := str(h["id"]), str(h["policyid"])

	deep := strings.Repeat(`{"a":`, 20) + `1` + strings.Repeat(`}`, 20)
	huge := `{"template":"custom","content":"` + strings.Repeat("x", 40<<10) + `"}`
	bad := []struct{ name, method, path, body string }{
		{"PatchBlockPageOverflow", "PATCH", "instance/" + id, `{"block_page":{"template":"default","x":1e400}}`},
		{"PatchBlockPageNegativeOverflow", "PATCH", "instance/" + id, `{"block_page":{"x":[-1e999]}}`},
		{"PutTimeoutOverflow", "PUT", "instance/" + id, `{"timeout_config":{"connect_timeout":1e400}}`},
		{"CreateFlagOverflow", "POST", "instance", `{"hostname":"b.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.1","port":80,"type":"ipv4"}],"flag":{"pci_3ds":1e309}}`},
		{"CreateTimeoutOverflow", "POST", "instance", `{"hostname":"c.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"192.0.2.1","port":80,"type":"ipv4"}],"timeout_config":{"read_timeout":1e400}}`},
		{"PolicyModulexOverflow", "PATCH", "policy/" + policy, `{"modulex_options":{"x":{"y":1e400}}}`},
		{"BlockPageNUL", "PATCH", "instance/" + id, `{"block_page":{"template":"a\u0000b"}}`},
		{"BlockPageInvalidUTF8", "PATCH", "instance/" + id, "{\"block_page\":{\"template\":\"a\xffb\"}}"},
		{"BlockPageTooDeep", "PATCH", "instance/" + id, `{"block_page":` + deep + `}`},
		{"BlockPageTooLarge", "PATCH", "instance/" + id, `{"block_page":` + huge + `}`},
		{"PolicyNameNUL", "PATCH", "policy/" + policy, `{"name":"p\u0000"}`},
		{"HostDescriptionNUL", "PATCH", "instance/" + id, `{"description":"shop\u0000"}`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, e.call(t, c.method, c.path, c.body), 400, "WAF.00021003")
		})
	}
	// Nothing above was stored: everything reads back and can be changed.
	show := ok(t, e.call(t, "GET", "instance/"+id, ""))
	if show["description"] != "shop" {
		t.Fatalf("show after refused writes: %v", show)
	}
	if n := len(items(t, ok(t, e.call(t, "GET", "instance", "")))); n != 1 {
		t.Fatalf("list: %d hosts, want 1", n)
	}
	ok(t, e.call(t, "GET", "policy/"+policy, ""))
	ok(t, e.call(t, "GET", "policy", ""))

	// Accepted numbers are finite float64s, and read back as such.
	up := ok(t, e.call(t, "PATCH", "instance/"+id, `{"block_page":{"template":"default","x":1e308,"y":1e-400,"z":12345678901234567890}}`))
	bp := up["block_page"].(map[string]any)
	if bp["x"] != 1e308 || bp["y"] != 0.0 || bp["z"] != 12345678901234567890.0 {
		t.Fatalf("block_page numbers: %v", bp)
	}
	show = ok(t, e.call(t, "GET", "instance/"+id, ""))
	if show["block_page"].(map[string]any)["x"] != 1e308 {
		t.Fatalf("show block_page: %v", show["block_page"])
	}
	ok(t, e.call(t, "PATCH", "policy/"+policy, `{"modulex_options":{"a":{"b":[1.5,-2,"π"]}}}`))
	ok(t, e.call(t, "GET", "policy/"+policy, ""))
	ok(t, e.call(t, "DELETE", "instance/"+id, ""))
}
