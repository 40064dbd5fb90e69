// Command proxybench is the fixture of the WAF data-plane load test
// (scripts/bench.sh proxy):
//
//	proxybench origin -listen ADDR             a minimal upstream (200, "hello")
//	proxybench bare -listen ADDR -upstream URL a bare httputil.ReverseProxy
//	                                           (-bufferpool: with pooled copy buffers)
//	proxybench tuned -listen ADDR -upstream URL net/http without httputil.ReverseProxy:
//	                                           the handler builds the outgoing request,
//	                                           Transport.RoundTrip, pooled copy buffer
//	proxybench fast -listen ADDR -upstream URL fasthttp.Server + fasthttp.HostClient
//	proxybench seed -db PATH -upstream H:P -nginx-geo FILE
//	                                           writes the protected host, 1,000,000
//	                                           blocked prefixes (IP groups behind
//	                                           whiteblackip block rules), a geolocation
//	                                           and an IP-reputation block rule into a
//	                                           Rampart store, and the same prefixes as
//	                                           an nginx geo block
//	proxybench protect -db PATH -webattack on|off [-host NAME]
//	                                           switches basic web protection of the
//	                                           host's policy (block mode, level 2)
//	                                           in a running store
//	proxybench rampart -db PATH -listen ADDR -pprof ADDR
//	                                           Rampart's data plane alone over a seeded
//	                                           store, with net/http/pprof on a side
//	                                           port, to profile it under load
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/http/pprof"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/geodata"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: proxybench origin|bare|tuned|fast|seed|protect|rampart|rules [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "origin":
		err = origin(os.Args[2:])
	case "bare":
		err = bare(os.Args[2:])
	case "tuned":
		err = tuned(os.Args[2:])
	case "fast":
		err = fast(os.Args[2:])
	case "seed":
		err = seed(os.Args[2:])
	case "protect":
		err = protect(os.Args[2:])
	case "rampart":
		err = dataPlane(os.Args[2:])
	case "rules":
		err = rules(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxybench:", err)
		os.Exit(1)
	}
}

func origin(args []string) error {
	fs := flag.NewFlagSet("origin", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:18300", "address")
	fs.Parse(args)
	return http.ListenAndServe(*listen, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello")
	}))
}

// bare is the baseline: httputil.ReverseProxy as its documentation shows
// it, with the idle-connection limit raised from Go's default of 2 so the
// baseline is not crippled by reconnecting.
func bare(args []string) error {
	fs := flag.NewFlagSet("bare", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:18301", "address")
	upstream := fs.String("upstream", "http://127.0.0.1:18300", "upstream URL")
	pooled := fs.Bool("bufferpool", false, "pool the 32 KB copy buffers (as Rampart does)")
	fs.Parse(args)
	u, err := url.Parse(*upstream)
	if err != nil {
		return err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host
		pr.SetXForwarded()
	}, Transport: tr}
	if *pooled {
		rp.BufferPool = &bufferPool{}
	}
	return http.ListenAndServe(*listen, rp)
}

// bufferPool pools 32 KB copy buffers.
type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() []byte {
	if v, ok := b.p.Get().(*[32 << 10]byte); ok {
		return v[:]
	}
	return new([32 << 10]byte)[:]
}

func (b *bufferPool) Put(buf []byte) {
	if len(buf) == 32<<10 {
		b.p.Put((*[32 << 10]byte)(buf))
	}
}

const project = "0123456789abcdef0123456789abcdef"

func seed(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	dbPath := fs.String("db", "", "Rampart SQLite store")
	upstream := fs.String("upstream", "127.0.0.1:18300", "upstream address:port")
	hostname := fs.String("host", "www.example.com", "protected host name")
	n := fs.Int("prefixes", 1_000_000, "blocked prefixes")
	geoFile := fs.String("nginx-geo", "", "write the prefixes as an nginx geo include file")
	avoid := fs.String("avoid", "8.8.8.8", "an address no prefix may contain (the benchmark's client)")
	fs.Parse(args)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, *dbPath, sqlite.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	svc := waf.NewService(db, nil)
	h, p, err := net.SplitHostPort(*upstream)
	if err != nil {
		return err
	}
	port, _ := strconv.Atoi(p)
	no := false
	host, err := svc.CreateHost(ctx, project, "0", &waf.HostInput{Hostname: hostname, Proxy: &no,
		Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: h, Port: port, Type: "ipv4", Weight: 1}}})
	if err != nil {
		return fmt.Errorf("host: %w", err)
	}
	var geo *bufio.Writer
	if *geoFile != "" {
		f, err := os.Create(*geoFile)
		if err != nil {
			return err
		}
		defer f.Close()
		geo = bufio.NewWriter(f)
		defer geo.Flush()
	}
	avoidAddr := netip.MustParseAddr(*avoid)
	r := rand.New(rand.NewPCG(7, 11))
	const perGroup = 2000
	block := 0
	for g := 0; g*perGroup < *n; g++ {
		var sb strings.Builder
		for i := 0; i < perGroup && g*perGroup+i < *n; i++ {
			var pf netip.Prefix
			for {
				v := r.Uint32()
				bits := 32
				if r.IntN(10) == 0 {
					bits = 24
				}
				pf = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), bits).Masked()
				if !pf.Contains(avoidAddr) {
					break
				}
			}
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(pf.String())
			if geo != nil {
				fmt.Fprintf(geo, "%s 1;\n", pf)
			}
		}
		name := fmt.Sprintf("bench-%04d", g)
		ips := sb.String()
		grp, err := svc.CreateIPGroup(ctx, project, "0", &waf.IPGroupInput{Name: &name, IPs: &ips})
		if err != nil {
			return fmt.Errorf("ip group %d: %w", g, err)
		}
		if _, err := svc.CreateWhiteBlackIPRules(ctx, project, "0", []string{host.PolicyID},
			&waf.WhiteBlackIPInput{Name: name, IPGroupID: grp.ID, White: &block}); err != nil {
			return fmt.Errorf("rule %d: %w", g, err)
		}
	}
	cn, zero := "CN", 0
	if _, err := svc.CreateGeoIPRules(ctx, project, "0", []string{host.PolicyID}, &waf.GeoIPRuleChange{Geoip: &cn, White: &zero}); err != nil {
		return fmt.Errorf("geoip rule: %w", err)
	}
	rname, idc, act := "idc", "idc", "block"
	if _, err := svc.CreateReputationRules(ctx, project, "0", []string{host.PolicyID},
		&waf.ReputationRuleChange{Name: &rname, Type: &idc, Tags: []string{"Dr.Peng", "AliCloud"}, Action: &act}); err != nil {
		return fmt.Errorf("reputation rule: %w", err)
	}
	fmt.Printf("seeded host %s (policy %s): %d blocked prefixes, a geolocation and an IP-reputation block rule\n", *hostname, host.PolicyID, *n)
	return nil
}

// protect switches the basic web protection of a host's policy: on is
// webattack and common on, level 2, block; off is webattack off. The data
// plane picks the change up at its next refresh (the write bumps the WAF
// revision).
func protect(args []string) error {
	return switchPolicy("protect", "webattack", args, func(ctx context.Context, _ *sqlite.DB, svc *waf.Service, policyID string, on bool) error {
		level, action := 2, "block"
		_, err := svc.UpdatePolicy(ctx, project, policyID, &waf.PolicyUpdate{Level: &level, Action: &action,
			Options: map[string]bool{"webattack": on, "common": true}})
		return err
	})
}

// switchPolicy parses the flags of a mode that turns something of the
// benchmark host's policy on or off (-db, -host and -<what> on|off), opens
// the store and calls set with the host's policy.
func switchPolicy(mode, what string, args []string,
	set func(ctx context.Context, db *sqlite.DB, svc *waf.Service, policyID string, on bool) error) error {
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	dbPath := fs.String("db", "", "Rampart SQLite store")
	hostname := fs.String("host", "www.example.com", "protected host name")
	state := fs.String(what, "on", "on or off")
	fs.Parse(args)
	if *state != "on" && *state != "off" {
		return fmt.Errorf("-%s must be on or off, not %q", what, *state)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, *dbPath, sqlite.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	policyID, err := policyOf(ctx, db, *hostname)
	if err != nil {
		return err
	}
	return set(ctx, db, waf.NewService(db, nil), policyID, *state == "on")
}

// dataPlane runs Rampart's data plane as cmd/rampart wires it (registry,
// host table, embedded address data; loopback trusted), without the API,
// and serves the profiling endpoints on a separate listener.
func dataPlane(args []string) error {
	fs := flag.NewFlagSet("rampart", flag.ExitOnError)
	dbPath := fs.String("db", "", "Rampart SQLite store")
	listen := fs.String("listen", "127.0.0.1:18305", "data-plane address")
	pprofAddr := fs.String("pprof", "127.0.0.1:18399", "net/http/pprof address")
	fs.Parse(args)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, *dbPath, sqlite.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	geo, err := geodata.LoadEmbedded()
	if err != nil {
		return err
	}
	sm := secmaster.New(db.SecMaster(), secmaster.Config{})
	reg := enforce.NewRegistry(enforce.Sources{SecMaster: sm, WAF: db, Workspace: workspace.New(db, workspace.Config{}), Revisions: db}, geo, nil, nil)
	go reg.Run(ctx, 50*time.Millisecond)
	trusted, _ := proxy.ParseTrustedProxies("127.0.0.1/32")
	px := proxy.New(proxy.Config{TrustedProxies: trusted}, proxy.Deps{Hosts: db, Revisions: db, Decisions: reg, Locator: geo, Policies: db})
	if _, err := px.Refresh(ctx); err != nil {
		return err
	}
	go px.Run(ctx, 50*time.Millisecond)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go func() { _ = http.ListenAndServe(*pprofAddr, mux) }()
	return http.ListenAndServe(*listen, px)
}
