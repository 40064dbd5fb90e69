package geodata

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// The source file format: a compact, self-describing encoding of a Source,
// written by the generator (scripts/geodata) and embedded in the binary.
// It is normally gzip-compressed. All integers are unsigned varints
// (encoding/binary) unless noted.
//
//	magic     "RAMPGEO1" (8 bytes)
//	kind      1 byte: 1 geo, 2 asn
//	desc      length, bytes
//	keys      count, then each: length, bytes ("US", "CN-GD", "16509")
//	ipv4      count, then each range: gap, size-1, key
//	ipv6      count, then each range: gap, size-1, key (gap and size-1 as u128)
//
// gap is the distance from the end of the previous range plus one (from
// address zero for the first range) to the range's start. A u128 is written
// as one byte holding its number of trailing zero bits t (0-127; 255 for
// zero), one byte n, then the n bytes of x>>t, big-endian: IPv6 ranges are
// mostly aligned on large powers of two, so most values take 3 bytes. key
// is the index into keys.
const formatMagic = "RAMPGEO1"

// maxFormatCount bounds counts read from a file, to fail fast on damage.
const maxFormatCount = 1 << 26

// WriteTo writes s in the source file format (uncompressed). It implements
// io.WriterTo.
func (s *Source) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: bufio.NewWriterSize(w, 1<<16)}
	cw.write([]byte(formatMagic))
	cw.write([]byte{byte(s.kind)})
	cw.str(s.desc)
	cw.uvarint(uint64(len(s.keys)))
	for _, k := range s.keys {
		cw.str(k)
	}
	for fam, list := range [][]span{s.v4, s.v6} {
		cw.uvarint(uint64(len(list)))
		var next u128 // end of the previous range plus one
		for _, sp := range list {
			gap, size := sp.lo.sub(next), sp.hi.sub(sp.lo)
			if fam == 0 {
				cw.uvarint(gap.lo)
				cw.uvarint(size.lo)
			} else {
				cw.u128(gap)
				cw.u128(size)
			}
			cw.uvarint(uint64(sp.val - 1))
			next, _ = sp.hi.inc()
		}
	}
	if cw.err == nil {
		cw.err = cw.w.(*bufio.Writer).Flush()
	}
	return cw.n, cw.err
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
	buf [binary.MaxVarintLen64]byte
}

func (c *countWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	c.err = err
}

func (c *countWriter) uvarint(x uint64) { c.write(binary.AppendUvarint(c.buf[:0], x)) }

func (c *countWriter) str(s string) {
	c.uvarint(uint64(len(s)))
	c.write([]byte(s))
}

func (c *countWriter) u128(x u128) {
	if x.isZero() {
		c.write([]byte{255})
		return
	}
	t := x.trailingZeros()
	y := x.shr(t)
	var b [18]byte
	b[0] = byte(t)
	m := (bitsLen(y) + 7) / 8
	b[1] = byte(m)
	for i := range m {
		shift := 8 * (m - 1 - i)
		b[2+i] = byte(y.shr(shift).lo)
	}
	c.write(b[:2+m])
}

func bitsLen(x u128) int {
	if x.hi != 0 {
		return 64 + bits.Len64(x.hi)
	}
	return bits.Len64(x.lo)
}

// ReadSource reads a Source in the source file format (uncompressed) and
// checks that it is well formed: ranges sorted, disjoint and inside their
// family's address space, keys in range.
func ReadSource(r io.Reader) (*Source, error) {
	br, ok := r.(io.ByteReader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	d := &decoder{r: br}
	magic := d.bytes(len(formatMagic))
	if d.err == nil && string(magic) != formatMagic {
		return nil, errors.New("geodata: not a source file (bad magic)")
	}
	s := &Source{kind: SourceKind(d.byte())}
	if d.err == nil && s.kind != KindGeo && s.kind != KindASN {
		return nil, fmt.Errorf("geodata: source file of unknown kind %d", s.kind)
	}
	s.desc = d.str()
	nkeys := d.count()
	s.keys = make([]string, 0, nkeys)
	for range nkeys {
		s.keys = append(s.keys, d.str())
	}
	for fam := range 2 {
		n := d.count()
		list := make([]span, 0, n)
		var next u128
		first := true
		for range n {
			var gap, size u128
			if fam == 0 {
				gap, size = u128{lo: d.uvarint()}, u128{lo: d.uvarint()}
			} else {
				gap, size = d.u128(), d.u128()
			}
			key := d.uvarint()
			if d.err != nil {
				break
			}
			if !first && next.isZero() {
				d.err = errors.New("range after the end of the address space")
				break
			}
			lo, o1 := next.add(gap)
			hi, o2 := lo.add(size)
			if o1 || o2 || (fam == 0 && hi.cmp(u128{lo: 0xFFFFFFFF}) > 0) {
				d.err = errors.New("range outside the address space")
				break
			}
			if key >= uint64(len(s.keys)) {
				d.err = fmt.Errorf("key %d out of range", key)
				break
			}
			list = append(list, span{lo: lo, hi: hi, val: uint32(key) + 1})
			next, _ = hi.inc()
			first = false
		}
		if fam == 0 {
			s.v4 = list
		} else {
			s.v6 = list
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("geodata: corrupt source file: %w", d.err)
	}
	return s, nil
}

type decoder struct {
	r   io.ByteReader
	err error
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	b, err := d.r.ReadByte()
	if err != nil {
		d.err = noEOF(err)
	}
	return b
}

func (d *decoder) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = d.byte()
	}
	return b
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.err = noEOF(err)
	}
	return x
}

func (d *decoder) count() int {
	n := d.uvarint()
	if n > maxFormatCount {
		d.err = fmt.Errorf("count %d too large", n)
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > 1<<16 {
		d.err = fmt.Errorf("string length %d too large", n)
		return ""
	}
	return string(d.bytes(int(n)))
}

func (d *decoder) u128() u128 {
	t := d.byte()
	if t == 255 {
		return u128{}
	}
	m := int(d.byte())
	if d.err == nil && (t > 127 || m == 0 || m > 16) {
		d.err = fmt.Errorf("bad u128 encoding (%d, %d)", t, m)
		return u128{}
	}
	var y u128
	for range m {
		y = y.shl(8)
		y.lo |= uint64(d.byte())
	}
	if d.err == nil && bitsLen(y)+int(t) > 128 {
		d.err = errors.New("u128 overflow")
		return u128{}
	}
	return y.shl(int(t))
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
