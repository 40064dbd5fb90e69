package ratelimit

// Tracked reports whether key has a slot, without counting.
func (t *Table) Tracked(key uint64) bool {
	key = nonZero(key)
	sh := &t.shards[key>>(64-t.shardBits)&(1<<t.shardBits-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	n := len(sh.slots)
	i := int((uint64(uint32(key)) * uint64(n)) >> 32)
	for range ProbeWindow {
		switch sh.slots[i].hash {
		case key:
			return true
		case 0:
			return false
		}
		if i++; i == n {
			i = 0
		}
	}
	return false
}
