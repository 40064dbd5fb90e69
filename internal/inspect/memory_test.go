package inspect_test

import (
	"runtime"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
)

// Issue 14's memory bar: at most 2 MiB per distinct compiled
// configuration, and 1,000 policies with basic protection in 10 distinct
// configurations within 100 MiB.
const (
	maxBytesPerConfiguration = 2 << 20
	maxBytesFor1000Policies  = 100 << 20
)

// tenConfigurations are 10 distinct configurations with protection on.
func tenConfigurations() []inspect.Config {
	var out []inspect.Config
	for _, c := range []struct{ common, webshell, headers, deep bool }{
		{true, true, false, false}, {true, false, false, false}, {true, true, true, false}, {true, true, true, true},
	} {
		for level := 1; level <= 3 && len(out) < 10; level++ {
			out = append(out, inspect.Config{Enabled: true, Common: c.common, Webshell: c.webshell, Level: level,
				CheckAllHeaders: c.headers, DeepDecode: c.deep})
		}
	}
	return out
}

// heapAfterGC returns the heap in use and the bytes of live objects after
// two collections (the second frees what finalizers of the first kept).
func heapAfterGC() (inUse, alloc uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.HeapAlloc
}

// TestMemoryOfCompiledConfigurations measures what 10 distinct
// configurations compiled through one Cache and held by 1,000 policies
// add to the heap, and the whole heap of the process, which bounds what
// every configuration shares (the rule catalogue, its expressions and
// keyword sets, the libinjection tables). It runs a clean form and an attack
// through each configuration first, so buffers made on first use
// are counted. Run it with -v to see the figures.
func TestMemoryOfCompiledConfigurations(t *testing.T) {
	// Not parallel: the parallel tests of the package wait until it ends,
	// so their allocations do not enter the figures.
	configs := tenConfigurations()
	if len(configs) != 10 {
		t.Fatalf("%d configurations, want 10", len(configs))
	}
	inUse0, alloc0 := heapAfterGC()

	var cache inspect.Cache
	policies := make([]*inspect.Inspector, 1000) // what 1,000 policies hold
	for i := range policies {
		in, err := cache.Get(configs[i%len(configs)])
		if err != nil {
			t.Fatal(err)
		}
		policies[i] = in
	}
	attack, clean := param("1' AND (SELECT 1 FROM (SELECT SLEEP(5))a)--"), cleanFormPOST()
	for _, in := range policies[:len(configs)] {
		in.Inspect(clean) // a false alarm here is the corpus tests' business
		if !in.Inspect(attack).Detected() {
			t.Fatalf("configuration %+v: attack not detected", in.Config())
		}
	}
	inUse1, alloc1 := heapAfterGC()
	runtime.KeepAlive(policies)

	if cache.Len() != len(configs) {
		t.Fatalf("the cache compiled %d configurations, want %d", cache.Len(), len(configs))
	}
	// Heap in use grows by whole pages and may reuse freed ones: the larger
	// of its growth and the growth of live objects is the figure.
	added := max(max(inUse1, inUse0)-inUse0, max(alloc1, alloc0)-alloc0)
	t.Logf("10 configurations held by 1,000 policies add %d B to the heap (in use %+d B, live objects %+d B): %d B per configuration",
		added, int64(inUse1)-int64(inUse0), int64(alloc1)-int64(alloc0), added/10)
	t.Logf("whole process after GC: heap in use %.2f MiB (live objects %.2f MiB)", float64(inUse1)/(1<<20), float64(alloc1)/(1<<20))
	if added/10 > maxBytesPerConfiguration {
		t.Errorf("a configuration costs %d B: more than %d", added/10, maxBytesPerConfiguration)
	}
	if inUse1 > maxBytesFor1000Policies {
		t.Errorf("the process holds %d B of heap with 1,000 policies in 10 configurations: more than %d", inUse1, maxBytesFor1000Policies)
	}
}
