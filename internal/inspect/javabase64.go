package inspect

import (
	"encoding/base64"
	"strings"
)

// javaBase64Words are the Java class names of deserialization gadget
// chains and command execution (Runtime, ProcessBuilder, the Commons
// Collections transformers and closures), in lower case as the CRS's
// paranoia-level-3 cases send them and in their own spelling.
var javaBase64Words = []string{
	"runtime", "processbuilder", "prototypeclonefactory", "prototypeserializationfactory", "whileclosure",
	"forclosure", "clonetransformer", "instantiatefactory", "instantiatetransformer", "invokertransformer",
	"Runtime", "ProcessBuilder", "PrototypeCloneFactory", "PrototypeSerializationFactory", "WhileClosure",
	"ForClosure", "CloneTransformer", "InstantiateFactory", "InstantiateTransformer", "InvokerTransformer",
}

// javaBase64Fragments are the base64 characters that encode each word of
// javaBase64Words whatever its offset in the encoded bytes: for the word
// at byte offset 0, 1 and 2 of a 3-byte group, the characters all of
// whose six bits come from the word (so the bytes around it do not change
// them). Built once at start.
var javaBase64Fragments = func() []string {
	var out []string
	for _, w := range javaBase64Words {
		for off := 0; off < 3; off++ {
			buf := make([]byte, off+len(w)+2)
			copy(buf[off:], w)
			enc := base64.StdEncoding.EncodeToString(buf)
			first := (8*off + 5) / 6         // the first character whose bits start at or after the word
			last := (8*(off+len(w)) - 6) / 6 // the last character whose bits end inside the word
			if last >= first {
				out = append(out, enc[first:last+1])
			}
		}
	}
	return out
}()

// javaBase64Keywords are javaBase64Fragments in lower case, the
// prefilter of 130029 (the keyword index finds them in any case; the
// rule then matches their case).
var javaBase64Keywords = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range javaBase64Fragments {
		if l := strings.ToLower(f); !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}()

// javaBase64Keyword finds a Java class name of javaBase64Words encoded in
// base64 anywhere in the value, as one fragment of javaBase64Fragments in
// its exact case.
func javaBase64Keyword(s string) (int, int, bool) {
	for _, f := range javaBase64Fragments {
		if i := strings.Index(s, f); i >= 0 {
			return i, i + len(f), true
		}
	}
	return 0, 0, false
}
