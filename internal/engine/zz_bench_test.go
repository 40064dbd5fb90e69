package engine_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/geodata"
	"github.com/rampartsec/rampart/internal/origin"
)

// The benchmark fixture: one project with
//   - 1,000,000 WAF-layer emergency entries (5% WHITE, 95% BLOCK; 70% IPv4
//     /32, 10% IPv4 /16-/30, 15% IPv6 /128, 5% IPv6 /32-/64; 30% with an
//     expiry in the future),
//   - 100,000 whiteblackip rules, all in the policy of the benchmarked host
//     (the worst case: 20% allow, 70% block, 10% log; IPv4 /32 or /24, 10%
//     IPv6),
//   - 20 geolocation rules (countries and Chinese provinces, block, log and
//     allow) and 3 IP-reputation rules over the nine IDC tags,
//
// on the embedded address data (geodata.LoadEmbedded). Everything is drawn
// from a seeded generator, so every run builds the same rules.
const (
	benchEmergency = 1_000_000
	benchWB        = 100_000
	benchHost      = "www.example.com"
)

type benchFixture struct {
	geo     *geodata.DB
	project *engine.Project
	engine  *engine.Engine
	emIPs   []netip.Prefix // the emergency prefixes, in generation order
}

var (
	fixtureOnce sync.Once
	fixture     *benchFixture
	fixtureErr  error
)

func benchV4(r *rand.Rand) netip.Addr {
	v := r.Uint32()
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func benchV6(r *rand.Rand) netip.Addr {
	var b [16]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	b[0], b[1] = 0x24, b[1]&0x0f // 2400::/12, mostly covered by the address data
	return netip.AddrFrom16(b)
}

func benchPrefix(r *rand.Rand) netip.Prefix {
	switch x := r.IntN(100); {
	case x < 70:
		return netip.PrefixFrom(benchV4(r), 32)
	case x < 80:
		return netip.PrefixFrom(benchV4(r), 16+r.IntN(15)).Masked()
	case x < 95:
		return netip.PrefixFrom(benchV6(r), 128)
	default:
		return netip.PrefixFrom(benchV6(r), 32+r.IntN(33)).Masked()
	}
}

func buildProject(tb testing.TB, r *rand.Rand) (*engine.Project, []netip.Prefix) {
	p := &engine.Project{}
	p.Emergency = make([]engine.EmergencyEntry, 0, benchEmergency)
	ips := make([]netip.Prefix, 0, benchEmergency)
	for i := range benchEmergency {
		en := engine.EmergencyEntry{Layer: engine.LayerWAF, Category: engine.CategoryBlock,
			PolicyID: fmt.Sprintf("sm-%04d", i%2500), Prefix: benchPrefix(r)}
		if r.IntN(20) == 0 {
			en.Category = engine.CategoryWhite
		}
		if r.IntN(10) < 3 {
			en.Expires = t0.Add(time.Duration(1+r.IntN(30*24)) * time.Hour)
		}
		p.Emergency = append(p.Emergency, en)
		ips = append(ips, en.Prefix)
	}
	pol := engine.WAFPolicy{ID: "policy-www", Options: allOn(), Hosts: []string{benchHost}}
	pol.WhiteBlack = make([]engine.WhiteBlackRule, 0, benchWB)
	for i := range benchWB {
		w := engine.WhiteBlock
		switch x := r.IntN(10); {
		case x < 2:
			w = engine.WhiteAllow
		case x < 3:
			w = engine.WhiteLog
		}
		a := benchV4(r)
		bits := 32
		if r.IntN(4) == 0 {
			bits = 24
		}
		pf := netip.PrefixFrom(a, bits).Masked()
		if r.IntN(10) == 0 {
			pf = netip.PrefixFrom(benchV6(r), 64).Masked()
		}
		pol.WhiteBlack = append(pol.WhiteBlack, engine.WhiteBlackRule{ID: fmt.Sprintf("wb-%06d", i), White: w, Enabled: true, Prefixes: []netip.Prefix{pf}})
	}
	codes := func(ss ...string) []origin.Code {
		var out []origin.Code
		for _, s := range ss {
			out = append(out, mustCode(tb, s))
		}
		return out
	}
	pol.Geo = []engine.GeoRule{
		{ID: "geo-block-1", White: engine.WhiteBlock, Enabled: true, Codes: codes("North Korea", "Iran", "Syria", "Cuba")},
		{ID: "geo-block-2", White: engine.WhiteBlock, Enabled: true, Codes: codes("XJ", "XZ")},
		{ID: "geo-log-1", White: engine.WhiteLog, Enabled: true, Codes: codes("US", "UK", "DE", "FR", "JP", "The Republic of Korea", "IN", "BR")},
		{ID: "geo-log-2", White: engine.WhiteLog, Enabled: true, Codes: codes("GD", "BJ", "SH", "ZJ", "JS")},
		{ID: "geo-allow-1", White: engine.WhiteAllow, Enabled: true, Codes: codes("Singapore")},
	}
	for i := range 15 {
		pol.Geo = append(pol.Geo, engine.GeoRule{ID: fmt.Sprintf("geo-extra-%02d", i), White: engine.White(i % 3), Enabled: i%4 != 0,
			Codes: []origin.Code{origin.Code(40 + i*7)}})
	}
	pol.Reputation = []engine.ReputationRule{
		{ID: "rep-block", Category: engine.ReputationBlock, Enabled: true, Tags: origin.TagSetOf(origin.TagDrPeng, origin.TagVNET)},
		{ID: "rep-log", Category: engine.ReputationLog, Enabled: true, Tags: origin.TagSetOf(origin.TagAmazon, origin.TagGoogle, origin.TagMicrosoft)},
		{ID: "rep-pass", Category: engine.ReputationPass, Enabled: true, Tags: origin.TagSetOf(origin.TagHW)},
	}
	p.WAF = []engine.WAFPolicy{pol}
	return p, ips
}

func loadFixture(tb testing.TB) *benchFixture {
	tb.Helper()
	fixtureOnce.Do(func() {
		geo, err := geodata.LoadEmbedded()
		if err != nil {
			fixtureErr = err
			return
		}
		r := rand.New(rand.NewPCG(2026, 11))
		p, ips := buildProject(tb, r)
		now := t0
		e, err := engine.New(p, geo, func() time.Time { return now })
		if err != nil {
			fixtureErr = err
			return
		}
		fixture = &benchFixture{geo: geo, project: p, engine: e, emIPs: ips}
	})
	if fixtureErr != nil {
		tb.Fatal(fixtureErr)
	}
	return fixture
}

// probes returns n addresses drawn by gen whose DecideWAF verdict satisfies
// keep.
func probes(tb testing.TB, s *engine.Snapshot, n int, seed uint64, gen func(*rand.Rand) netip.Addr, keep func(engine.Decision) bool) []netip.Addr {
	tb.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]netip.Addr, 0, n)
	for tries := 0; len(out) < n; tries++ {
		if tries > 100*n {
			tb.Fatalf("found %d of %d probe addresses", len(out), n)
		}
		a := gen(r)
		if keep(s.DecideWAF(benchHost, a, t0)) {
			out = append(out, a)
		}
	}
	return out
}

func fullPath(d engine.Decision) bool {
	return d.RuleType != engine.RuleEmergency && d.RuleType != engine.RuleWhiteBlackIP
}

// BenchmarkDecideWAF measures one WAF decision on the fixture. Each case
// cycles through a pool of probe addresses: "full" addresses match no
// emergency or whiteblackip entry, so the decision walks every stage down
// to geolocation and IP reputation (the most expensive path);
// "emergency-hit" addresses are emergency /32 or /128 entries. hot16
// cycles through 16 addresses (cache-resident, like a server's top
// talkers); pool4k through 4,096; pool1M through 1,048,576 distinct ones,
// so nearly every lookup misses the CPU caches. Besides wall-clock ns/op,
// each case reports cpu-ns/op, the process CPU time per op (getrusage),
// which is less distorted when other processes share the cores.
//
//	go test -run '^$' -bench 'BenchmarkDecideWAF' -count 5 ./internal/engine
func BenchmarkDecideWAF(b *testing.B) {
	f := loadFixture(b)
	s := f.engine.Snapshot()
	hitGen := func(v6 bool) func(*rand.Rand) netip.Addr {
		return func(r *rand.Rand) netip.Addr {
			for {
				p := f.emIPs[r.IntN(len(f.emIPs))]
				if p.IsSingleIP() && p.Addr().Is6() == v6 {
					return p.Addr()
				}
			}
		}
	}
	isEmergency := func(d engine.Decision) bool { return d.RuleType == engine.RuleEmergency }
	cases := []struct {
		name string
		n    int
		gen  func(*rand.Rand) netip.Addr
		keep func(engine.Decision) bool
	}{
		{"full/v4/pool4k", 1 << 12, benchV4, fullPath},
		{"full/v6/pool4k", 1 << 12, benchV6, fullPath},
		{"emergency-hit/v4/pool4k", 1 << 12, hitGen(false), isEmergency},
		{"emergency-hit/v6/pool4k", 1 << 12, hitGen(true), isEmergency},
		{"full/v4/hot16", 16, benchV4, fullPath},
		{"emergency-hit/v4/hot16", 16, hitGen(false), isEmergency},
		{"full/v4/pool1M", 1 << 20, benchV4, fullPath},
		{"emergency-hit/v4/pool1M", 1 << 20, hitGen(false), isEmergency},
	}
	for i, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			addrs := probes(b, s, c.n, uint64(i+1), c.gen, c.keep)
			mask := len(addrs) - 1
			b.ReportAllocs()
			cpu := cpuTime()
			i := 0
			for b.Loop() {
				_ = s.DecideWAF(benchHost, addrs[i&mask], t0)
				i++
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkEmergencyBaselines compares, in one run, the emergency stage
// alone (Snapshot.DecideIP: WHITE then BLOCK, longest live match) on the
// 1,000,000 entries with two baselines doing the same work: a map of
// prefixes probed at every prefix length present (longest first) on the
// same entries, and a linear scan over the first 10,000 entries (a linear
// scan of 1,000,000 takes milliseconds). Probe addresses: 4,096, half of
// them entries, half random.
//
//	go test -run '^$' -bench 'BenchmarkEmergencyBaselines' -count 5 ./internal/engine
func BenchmarkEmergencyBaselines(b *testing.B) {
	f := loadFixture(b)
	s := f.engine.Snapshot()
	r := rand.New(rand.NewPCG(9, 9))
	addrs := make([]netip.Addr, 1<<12)
	for i := range addrs {
		if i%2 == 0 {
			addrs[i] = f.emIPs[r.IntN(len(f.emIPs))].Addr()
		} else if i%4 == 1 {
			addrs[i] = benchV4(r)
		} else {
			addrs[i] = benchV6(r)
		}
	}
	mask := len(addrs) - 1
	b.Run("engine/1M", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		i := 0
		for b.Loop() {
			_ = s.DecideIP(engine.LayerWAF, addrs[i&mask], t0)
			i++
		}
		reportCPU(b, cpu)
	})
	mp := newMapBaseline(f.project.Emergency)
	b.Run("map-of-prefixes/1M", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		i := 0
		for b.Loop() {
			_ = mp.decide(addrs[i&mask], t0)
			i++
		}
		reportCPU(b, cpu)
	})
	lin := f.project.Emergency[:10_000]
	b.Run("linear-scan/10k", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		i := 0
		for b.Loop() {
			_ = linearDecide(lin, addrs[i&mask], t0)
			i++
		}
		reportCPU(b, cpu)
	})
}

type mapEntry struct {
	policy  string
	expires time.Time
}

// mapBaseline is the map-of-prefixes baseline: per category, one map from
// prefix to entry, probed for each prefix length present, longest first.
type mapBaseline struct {
	m    [2]map[netip.Prefix]mapEntry
	lens [2][2][]int // [category][v6] prefix lengths present, descending
}

func newMapBaseline(es []engine.EmergencyEntry) *mapBaseline {
	mb := &mapBaseline{m: [2]map[netip.Prefix]mapEntry{{}, {}}}
	var seen [2][2][129]bool
	for _, e := range es {
		mb.m[e.Category][e.Prefix] = mapEntry{e.PolicyID, e.Expires}
		v6 := 0
		if e.Prefix.Addr().Is6() {
			v6 = 1
		}
		seen[e.Category][v6][e.Prefix.Bits()] = true
	}
	for c := range 2 {
		for v := range 2 {
			for l := 128; l >= 0; l-- {
				if seen[c][v][l] {
					mb.lens[c][v] = append(mb.lens[c][v], l)
				}
			}
		}
	}
	return mb
}

func (mb *mapBaseline) decide(ip netip.Addr, now time.Time) engine.Action {
	v6 := 0
	if ip.Is6() {
		v6 = 1
	}
	for c := range 2 {
		for _, l := range mb.lens[c][v6] {
			p, _ := ip.Prefix(l)
			if e, ok := mb.m[c][p]; ok && (e.expires.IsZero() || now.Before(e.expires)) {
				if c == int(engine.CategoryWhite) {
					return engine.ActionAllow
				}
				return engine.ActionBlock
			}
		}
	}
	return engine.ActionAllow
}

// linearDecide is the linear-scan baseline: WHITE wins over BLOCK, the
// longest live prefix names the entry.
func linearDecide(es []engine.EmergencyEntry, ip netip.Addr, now time.Time) engine.Action {
	best := [2]int{-1, -1}
	for _, e := range es {
		if e.Prefix.Contains(ip) && (e.Expires.IsZero() || now.Before(e.Expires)) && e.Prefix.Bits() > best[e.Category] {
			best[e.Category] = e.Prefix.Bits()
		}
	}
	switch {
	case best[engine.CategoryWhite] >= 0:
		return engine.ActionAllow
	case best[engine.CategoryBlock] >= 0:
		return engine.ActionBlock
	}
	return engine.ActionAllow
}

// cpuTime returns the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since start.
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkMemory compiles the fixture's rules (1,000,000 emergency entries
// and 100,000 whiteblackip rules: 1,100,000 entries) and reports the heap
// held per entry by the Snapshot alone (the tables readers use) and by the
// whole Engine (the Snapshot plus the writer's state: expiry heap, rule
// records, ref index). The input Project is excluded: it is alive before
// and after. Also reports the compile time.
//
//	go test -run '^$' -bench 'BenchmarkMemory' -benchtime 1x ./internal/engine
func BenchmarkMemory(b *testing.B) {
	f := loadFixture(b)
	entries := float64(benchEmergency + benchWB)
	for b.Loop() {
		base := heapInUse()
		start := time.Now()
		now := t0
		e, err := engine.New(f.project, f.geo, func() time.Time { return now })
		if err != nil {
			b.Fatal(err)
		}
		compile := time.Since(start)
		withEngine := heapInUse()
		s := e.Snapshot()
		e = nil
		snapOnly := heapInUse()
		b.ReportMetric(float64(snapOnly-base)/entries, "snapshot-B/entry")
		b.ReportMetric(float64(withEngine-base)/entries, "engine-B/entry")
		b.ReportMetric(compile.Seconds(), "compile-s")
		runtime.KeepAlive(s)
		runtime.KeepAlive(e)
	}
}

// BenchmarkIncremental measures one change applied to the 1,000,000-entry
// engine and published: each iteration adds or removes (alternately) one
// emergency BLOCK entry (an IPv4 /32, or an IPv4 /24, /16 or /8 prefix,
// whose insertion also updates the inherited values of the stored prefixes
// it covers: about 0, 2 and 400 of them in this fixture), or replaces one
// whiteblackip rule of the 100,000-rule policy.
//
//	go test -run '^$' -bench 'BenchmarkIncremental' -count 5 ./internal/engine
func BenchmarkIncremental(b *testing.B) {
	f := loadFixture(b)
	e := f.engine
	r := rand.New(rand.NewPCG(5, 5))
	for _, bits := range []int{32, 24, 16, 8} {
		name := "emergency/host"
		if bits != 32 {
			name = fmt.Sprintf("emergency/cidr%d", bits)
		}
		pending := make([]engine.EmergencyEntry, 1024)
		for i := range pending {
			pending[i] = engine.EmergencyEntry{Layer: engine.LayerWAF, Category: engine.CategoryBlock, PolicyID: "sm-bench",
				Prefix: netip.PrefixFrom(benchV4(r), bits).Masked(), Expires: t0.Add(time.Hour)}
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu) }()
			i := 0
			for b.Loop() {
				en := pending[(i/2)&1023]
				if i%2 == 0 {
					if err := e.AddEmergency(en); err != nil {
						b.Fatal(err)
					}
				} else if _, err := e.RemoveEmergency(en); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	b.Run("whiteblackip/replace", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		defer func() { reportCPU(b, cpu) }()
		i := 0
		for b.Loop() {
			rule := engine.WhiteBlackRule{ID: fmt.Sprintf("wb-%06d", i%benchWB), White: engine.WhiteBlock, Enabled: true,
				Prefixes: []netip.Prefix{netip.PrefixFrom(benchV4(r), 32)}}
			if err := e.PutWhiteBlack("policy-www", rule); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
