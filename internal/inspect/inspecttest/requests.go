// Package inspecttest holds the clean requests the detector's benchmarks
// measure, shared by the benchmarks of package inspect and by the
// side-by-side comparison with Coraza in the bench module.
package inspecttest

import "strings"

// BrowserUA is a current desktop browser's User-Agent.
const BrowserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

// CleanFormBody is a URL-encoded contact form of about 1 KB of ordinary
// text, apostrophes included.
func CleanFormBody() string {
	var b strings.Builder
	b.WriteString("name=John+Smith&email=john.smith%40example.com&subject=Quote+request&message=")
	for b.Len() < 1000 {
		b.WriteString("Hello%2C+I%27d+like+a+quote+for+fifty+units+delivered+next+month.+")
	}
	b.WriteString("&consent=on")
	return b.String()
}

// CleanProfileFormBody is a URL-encoded profile form of 1 KB made of many
// short fields of text with apostrophes, commas and common words (like,
// and), the shape of the data plane's form benchmark.
func CleanProfileFormBody() string {
	var b strings.Builder
	b.WriteString("name=Jane+O%27Neil&email=jane.oneil%40example.com&city=Lyon&country=FR&newsletter=on")
	for b.Len() < 1024 {
		b.WriteString("&bio=I+like+hiking%2C+books+and+coffee.+Ask+me+about+Lyon%27s+old+town")
	}
	return b.String()[:1024]
}
