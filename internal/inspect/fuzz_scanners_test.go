package inspect

import "testing"

// checkSpan fails when a matcher's span is not inside the value.
func checkSpan(t *testing.T, s string, start, end int, ok bool) {
	t.Helper()
	if ok && (start < 0 || end < start || end > len(s)) {
		t.Fatalf("span %d..%d outside %q", start, end, s)
	}
	if !ok && (start != 0 || end != 0) {
		t.Fatalf("no match but span %d..%d on %q", start, end, s)
	}
}

// FuzzShellCommandLine feeds arbitrary values to the shell tokenizer: no
// panic, a span inside the value, the same answer twice, and a match
// always names a program from a command position.
func FuzzShellCommandLine(f *testing.F) {
	for _, s := range []string{";perf --version", "cu$@rl google.com", `""p""y""t""h""o""n""3`, "/bin/ca? /et*/passwd",
		"time sh -c whoami", "x&ls=2", "a;b;c;d;e", "`", "$(", "<()", "${", "bin/", "/", ";/usr/local/bin/x -y", "ti''me"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, ok := shellCommandLine(s)
		checkSpan(t, s, start, end, ok)
		if s2, e2, ok2 := shellCommandLine(s); s2 != start || e2 != end || ok2 != ok {
			t.Fatalf("two answers for %q", s)
		}
		if ok && end == start {
			t.Fatalf("empty command span on %q", s)
		}
	})
}

// FuzzPHPCall feeds arbitrary values to the PHP call scanner: no panic, a
// span inside the value that ends at a '(' after a name.
func FuzzPHPCall(f *testing.F) {
	for _, s := range []string{"exec #c\r\n (x)", "gzuncompress/*c*/()", "ZlIb_DeCoDe=(bla)", "/*", "#", "a(", "(", "md5(checksum)",
		"system(whoami)", "x__________________________________________________________y("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, ok := phpCall(s)
		checkSpan(t, s, start, end, ok)
		if ok && s[end-1] != '(' {
			t.Fatalf("span %q of %q does not end at '('", s[start:end], s)
		}
	})
}

// FuzzPHPDangerousCall: the level-1 PHP call scanner matches only where
// the full scanner finds a call, with a span inside the value that ends
// at a '('.
func FuzzPHPDangerousCall(f *testing.F) {
	for _, s := range []string{"exec #c\r\n (x)", "printf(foo); system(id)", "FILE\r\n()", "file(s)", "a(b(c(", "(",
		"strrev(eval(", "x__________________________________________________________exec("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, ok := phpDangerousCall(s)
		checkSpan(t, s, start, end, ok)
		if !ok {
			return
		}
		if s[end-1] != '(' {
			t.Fatalf("span %q of %q does not end at '('", s[start:end], s)
		}
		if _, _, any := phpCall(s); !any {
			t.Fatalf("%q: a dangerous call where phpCall finds none", s)
		}
	})
}

// FuzzJavaBase64Keyword: a match is a span inside the value that decodes
// (at its offset) from a fragment of a Java class name, so it is at least
// eight characters of base64.
func FuzzJavaBase64Keyword(f *testing.F) {
	for _, s := range []string{"cnVudGltZQ", "test=HJ1bnRpbWU", "BydW50aW1l=", "", "cnVudGlt", "UHJvY2Vzc0J1aWxkZXI"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, ok := javaBase64Keyword(s)
		checkSpan(t, s, start, end, ok)
		if ok && end-start < 8 {
			t.Fatalf("short fragment %q in %q", s[start:end], s)
		}
	})
}
