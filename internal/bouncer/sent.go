package bouncer

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// The stored sent state of a key is a list of records, each: a flags byte
// (flagV6: a 16-byte address follows, else 4 bytes; flagDeleted: in a
// delta, the value was deleted), the prefix length, the address, and the
// until as a uvarint (0: Never). Policies are not stored: what a bouncer
// holds is the value and its expiry.
const (
	flagV6      = 1
	flagDeleted = 2
)

// encodeBans appends the records of bans (deleted: marked deleted).
func encodeBans(buf []byte, bans []Ban, deleted bool) []byte {
	for i := range bans {
		b := &bans[i]
		var flags byte
		if deleted {
			flags |= flagDeleted
		}
		a := b.Value.Addr()
		if a.Is6() {
			flags |= flagV6
		}
		buf = append(buf, flags, byte(b.Value.Bits()))
		buf = append(buf, a.AsSlice()...)
		u := uint64(0)
		if b.Until != Never {
			u = uint64(b.Until)
		}
		buf = binary.AppendUvarint(buf, u)
	}
	return buf
}

var errCorrupt = errors.New("bouncer: stored sent state is corrupt")

// decodeInto applies the records of data to held: a deleted record
// removes its value, any other sets it.
func decodeInto(held map[netip.Prefix]int64, data []byte) error {
	for len(data) > 0 {
		if len(data) < 2 {
			return errCorrupt
		}
		flags, bits := data[0], int(data[1])
		data = data[2:]
		n := 4
		if flags&flagV6 != 0 {
			n = 16
		}
		if len(data) < n {
			return errCorrupt
		}
		a, _ := netip.AddrFromSlice(data[:n])
		data = data[n:]
		u, k := binary.Uvarint(data)
		if k <= 0 {
			return errCorrupt
		}
		data = data[k:]
		p := netip.PrefixFrom(a, bits)
		if !p.IsValid() {
			return errCorrupt
		}
		until := int64(u)
		if u == 0 {
			until = Never
		}
		if flags&flagDeleted != 0 {
			delete(held, p)
		} else {
			held[p] = until
		}
	}
	return nil
}
