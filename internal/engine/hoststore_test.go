package engine

import (
	"math/rand/v2"
	"testing"
)

// TestHostStoreShapes drives a hostStore through all three shapes with
// persistent inserts, replacements and deletions, checking it against a
// map after every step and checking that earlier versions never change.
func TestHostStoreShapes(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	var s *hostStore[uint32, value]
	model := map[uint32]value{}
	type version struct {
		s     *hostStore[uint32, value]
		model map[uint32]value
	}
	var versions []version
	check := func(s *hostStore[uint32, value], model map[uint32]value, probes []uint32) {
		t.Helper()
		n := 0
		if s != nil {
			n = s.n
		}
		if n != len(model) {
			t.Fatalf("size %d, want %d", n, len(model))
		}
		for _, k := range probes {
			v, ok := s.get(hash4(k), k)
			wv, wok := model[k]
			if ok != wok || v != wv {
				t.Fatalf("get(%d) = %d,%v, want %d,%v", k, v, ok, wv, wok)
			}
			if v4, ok4 := get4(s, hash4(k), k); ok4 != wok || v4 != wv {
				t.Fatalf("get4(%d) = %d,%v, want %d,%v", k, v4, ok4, wv, wok)
			}
		}
	}
	keys := make([]uint32, 0, 6000)
	for step := 0; step < 24000; step++ {
		switch op := r.IntN(10); {
		case op < 6 || len(keys) == 0:
			k := r.Uint32() % 60000
			v := value(r.Uint64() >> 1)
			s = s.with(hash4(k), k, v)
			if _, ok := model[k]; !ok {
				keys = append(keys, k)
			}
			model[k] = v
		case op < 8:
			k := keys[r.IntN(len(keys))]
			v := value(r.Uint64() >> 1)
			s = s.with(hash4(k), k, v)
			model[k] = v
		default:
			i := r.IntN(len(keys))
			k := keys[i]
			keys[i] = keys[len(keys)-1]
			keys = keys[:len(keys)-1]
			s = s.without(hash4(k), k)
			delete(model, k)
		}
		if step%500 == 0 || step < 40 {
			probes := append([]uint32{r.Uint32() % 60000, 7}, keys...)
			check(s, model, probes)
			cp := make(map[uint32]value, len(model))
			for k, v := range model {
				cp[k] = v
			}
			versions = append(versions, version{s, cp})
		}
	}
	if s == nil || s.large == nil {
		t.Fatalf("the store never reached the large shape")
	}
	for _, v := range versions {
		var probes []uint32
		for k := range v.model {
			probes = append(probes, k)
		}
		check(v.s, v.model, probes)
	}
	// Deleting everything gives nil.
	for _, k := range keys {
		s = s.without(hash4(k), k)
	}
	if s != nil {
		t.Fatalf("store not empty after deleting every key: %d left", s.n)
	}
}
