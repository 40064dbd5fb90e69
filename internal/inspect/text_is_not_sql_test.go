package inspect_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
)

// TestTextShapedLikeSQLIsClean pairs text that looks like a query
// fragment (a spreadsheet formula, a prepared statement described in a
// comment, a sport, a heading, an index, a film) with the attack it resembles: at
// levels 1 and 2 the text is clean and the attack is still flagged.
func TestTextShapedLikeSQLIsClean(t *testing.T) {
	tests := []struct {
		text   *inspect.Request
		attack *inspect.Request
	}{
		{param("The formula is =SUM(A1:A10)/COUNT(A1:A10) if you want the average."), param("1=sum(1)")},
		{param("use SELECT name FROM users WHERE id = ? with prepared statements"), param("1 from users where id=1")},
		{param("drop table tennis"), param("DROP TABLE users")},
		{param("drop table tennis"), param("drop table users;")},
		{param("group by and having explained"), param("1 group by id having 1=1")},
		{param("is null or empty"), param("1' is null or '1")},
		{param("#{name} is null or empty"), param("IS NULL")},
		{param("if (x > 5) then"), param("' OR '1'='1")},
		{param("array[0]"), param("1 @> array['x']")},
		{param("->"), param("' -> '$.a'")},
		{param("Sleep (2019) movie"), param("sleep(5)")},
		{param("sleep(8 hours)"), param("1 or sleep(5)#")},
		{param("function () { return; };"), param("Function('alert(1)')()")},
		{body("application/json", `{"body":"I'm 5'11\" and 180 lbs, the L fits perfectly; my wife (5'4\") wears an S."}`), param(`1\' or 1=1`)},
		{body("application/json", `{"message":"I wrap the image in a div with class \"card\" and it lines up now."}`), body("application/json", `{"q":"1\" or \"1\"=\"1"}`)},
	}
	for level := 1; level <= 2; level++ {
		in := mustCompile(t, levelConfig(level))
		for _, tt := range tests {
			if v := in.Inspect(tt.text); v.Detected() {
				t.Errorf("level %d flags text %q/%q: %s %s %q", level, tt.text.Params, tt.text.Body, v.Attack, v.RuleID, v.Excerpt)
			}
			if level == 2 && !in.Inspect(tt.attack).Detected() {
				t.Errorf("level %d misses %q/%q", level, tt.attack.Params, tt.attack.Body)
			}
		}
	}
}

// TestStrictLevelSparesPageAddresses: at level 3 the address of a page
// an analytics beacon reports (a .php page with campaign parameters, a
// ../ in someone's utm_source) and a film quote are clean, while a URL to
// a remote script, ../ in a value and EXECUTE of a prepared statement are
// still flagged.
func TestStrictLevelSparesPageAddresses(t *testing.T) {
	in := mustCompile(t, levelConfig(3))
	beacon := func(page string) *inspect.Request {
		return body("application/json", `{"client_id":"1.2","events":[{"name":"page_view","params":{"page_location":"`+page+`"}}]}`)
	}
	for _, r := range []*inspect.Request{
		beacon("https://www.example.co.uk/wp-login.php?gclid=%2B1+%28555%29+010-9999&lang=%2F"),
		beacon("https://blog.example.net/p/main.html?page=yes&utm_source=..%2Findex.html"),
		param("execute order 66"),
	} {
		if v := in.Inspect(r); v.Detected() {
			t.Errorf("flags %q/%q: %s %s %q", r.Params, r.Body, v.Attack, v.RuleID, v.Excerpt)
		}
	}
	for _, r := range []*inspect.Request{
		param("http://evil.example/shell.jsp"),
		param("https://evil.example/x.php?"),
		param("../index.html"),
		param("execute stmt;"),
		beacon("https://evil.example/../../etc/passwd"),
	} {
		if !in.Inspect(r).Detected() {
			t.Errorf("misses %q/%q", r.Params, r.Body)
		}
	}
}

// TestApostrophesInWordsAndQuotesThatCloseAString: an apostrophe inside a
// word is text at every level; a quote glued to an operator word still
// closes a string.
func TestApostrophesInWordsAndQuotesThatCloseAString(t *testing.T) {
	in := mustCompile(t, levelConfig(1))
	for _, s := range []string{"O'Neil", "I'd like to see Lyon's old town, thanks", "rock'n'roll", "L'Oréal"} {
		if v := in.Inspect(param(s)); v.Detected() {
			t.Errorf("flags %q: %s %s", s, v.RuleID, v.Excerpt)
		}
	}
	for _, s := range []string{"a'or'1", "x'OR'x'like'x", "admin'or'1'='1", "1'or'1"} {
		if !in.Inspect(param(s)).Detected() {
			t.Errorf("misses %q", s)
		}
	}
}

// TestShortOpenTagNeedsCode: <? opens PHP code when code follows it (echo,
// a variable, a closing ?>) or nothing does; <? before words is text.
func TestShortOpenTagNeedsCode(t *testing.T) {
	in := mustCompile(t, levelConfig(1))
	for s, want := range map[string]bool{"<? echo 'hello'; ?>": true, "test<?": true, "<?\techo \"test\";?>": true, "<? $x=1": true, "<? should not trigger": false, "what does <? mean in php": false} {
		if got := in.Inspect(param(s)).Detected(); got != want {
			t.Errorf("%q: detected %v, want %v", s, got, want)
		}
	}
}
