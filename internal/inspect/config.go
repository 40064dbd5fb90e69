package inspect

import (
	"fmt"
	"sync"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Config is the part of a WAF policy that decides basic web protection:
// options.webattack (Enabled), options.common and options.webshell, level
// (1 loose, 2 medium, 3 strict) and the extend switches check_all_headers
// and deep_decode. It is comparable, so it can key a cache.
type Config struct {
	Enabled         bool
	Common          bool
	Webshell        bool
	Level           int
	CheckAllHeaders bool
	DeepDecode      bool
}

// Inspector is a compiled Config. It is immutable and safe for concurrent
// use; every policy with the same Config can share one.
type Inspector struct {
	cfg    Config
	rules  [numTargets][]*rule
	needs  [numTargets]class         // the union of the prefilters of the rules of a target
	always [numTargets]bool          // a rule of the target runs whatever the classes
	pre    [numTargets]prefilter     // the class prefilters of the rules of a target as bit sets
	kw     [numTargets]*keywordIndex // the keywords of the rules of a target
	rounds int
}

// Compile turns a Config into an Inspector. The level must be 1, 2 or 3
// when protection is enabled.
func Compile(cfg Config) (*Inspector, error) {
	if cfg.Enabled && (cfg.Level < 1 || cfg.Level > 3) {
		return nil, rampart.Invalid("level", "level must be 1, 2 or 3, got %d", cfg.Level)
	}
	in := &Inspector{cfg: cfg, rounds: cfg.Level}
	if cfg.DeepDecode {
		in.rounds = MaxDecodeRounds
	}
	if !cfg.Enabled {
		return in, nil
	}
	for _, r := range byLevel(cfg.Level) {
		if r.webshell && !cfg.Webshell || !r.webshell && !cfg.Common {
			continue
		}
		for t := 0; t < numTargets; t++ {
			if r.targets&(1<<t) == 0 {
				continue
			}
			n := len(in.rules[t])
			if n == maxRules {
				return nil, fmt.Errorf("inspect: more than %d rules for one target", maxRules)
			}
			if in.kw[t] == nil {
				in.kw[t] = new(keywordIndex)
			}
			for _, w := range r.keywords {
				in.kw[t].add(w, n)
			}
			in.rules[t] = append(in.rules[t], r)
			in.pre[t].add(r, n)
			in.needs[t] |= r.needsAny | r.needsAll
			if r.needsAny == 0 && r.needsAll == 0 {
				in.always[t] = true
			}
		}
	}
	for _, x := range in.kw {
		if x != nil {
			x.finish()
		}
	}
	return in, nil
}

// byLevel returns the rules up to level, those of level 1 first, then 2,
// then 3, each level in catalogue order. A request two rules match is
// reported by the stricter one: a loose level-3 rule (IN (…) as SQL)
// never names the attack a precise level-1 rule (a Windows FOR loop as a
// command) has found.
func byLevel(level int) []*rule {
	var rules []*rule
	for l := 1; l <= level; l++ {
		for i := range catalogue {
			if catalogue[i].level == l {
				rules = append(rules, &catalogue[i])
			}
		}
	}
	return rules
}

// Config returns the configuration the Inspector was compiled from.
func (in *Inspector) Config() Config { return in.cfg }

// Cache compiles each distinct Config once and hands out the shared
// Inspector. The zero Cache is ready to use.
type Cache struct {
	mu sync.Mutex
	m  map[Config]*Inspector
}

// Get returns the Inspector for cfg, compiling it the first time.
func (c *Cache) Get(cfg Config) (*Inspector, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if in, ok := c.m[cfg]; ok {
		return in, nil
	}
	in, err := Compile(cfg)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = make(map[Config]*Inspector)
	}
	c.m[cfg] = in
	return in, nil
}

// Len returns how many distinct configurations are compiled.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
