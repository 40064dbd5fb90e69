// Package engine compiles a project's stored security policies into an
// immutable Snapshot that answers "block, allow or log?" for WAF requests,
// CFW and VPC source addresses, IAM user names and Workspace connections.
//
// Input is a neutral rule model (Project: emergency entries per layer, WAF
// policies with their whiteblackip, geolocation and IP-reputation rules,
// options and bound hosts, and Workspace access policies). The product
// families convert their own entities into it; this package imports none of
// them except the Workspace decision function. The decision semantics are
// the table in docs/decisions.md.
//
// Representation. Every rule becomes a ref, a small integer naming a
// refInfo (rule type, rule ID, policy ID) in an append-only table of the
// snapshot, so decisions return strings already held by the snapshot and
// never build one. A table value is a uint64 packing the entry's expiry
// (milliseconds since 2024-01-01, 0 = never) and its ref, so expiry is
// checked at lookup with no further memory access. The address rules of one
// scope (a layer's emergency entries, WHITE and BLOCK; a WAF policy's
// whiteblackip rules, white 0, 1 and 2) form one mtable: single addresses
// (/32, /128) in a hostStore, a persistent hash table of 65,536 buckets
// whose entries hold a key and one value per category side by side (two
// categories for emergency tables, three for whiteblackip), and real
// prefixes in a bart.Table (a popcount-compressed multibit trie) whose value
// at a prefix P holds, per category, the entry of the longest prefix
// containing P (P included) that has one. One probe of each store therefore
// answers every category at once: the most specific WHITE entry and the most
// specific BLOCK entry containing an address, whatever their lengths.
// Host buckets are sorted by key, so an IPv4 miss stops half-way. IPv4
// lookups do not walk the trie: its IPv4 prefixes of /16 and longer are
// also kept as one sorted interval list per /16 (cidr4: two 256-way arrays
// lead to it; a binary search over a few 24- or 32-byte intervals finds
// the cell), with the categories inherited from shorter prefixes masked
// out; those shorter prefixes, rare, sit in a small trie of their own
// whose cell fills the categories the interval leaves empty. Geolocation
// and IP-reputation rules of a policy are small arrays indexed by location
// code and IDC tag (plus, per reputation category, the set of tags that
// have a rule).
//
// Concurrency. Readers call Engine.Snapshot (one atomic load) and then any
// number of Decide methods on the Snapshot; they take no lock, never block
// and always see one consistent version. Writers (the Engine's mutating
// methods, Apply, Sweep and Run) serialise on a mutex, build the next
// version copy-on-write (bart InsertPersist/DeletePersist/UnionPersist; the
// hostStore copies one bucket and two 2 KB index arrays), and publish it
// with one atomic store. Each mutating method is one version; Apply runs
// any number of them on one Batch and publishes them as one version, so a
// reader never sees part of a multi-rule write.
// Unchanged parts are shared between versions, so a change costs
// microseconds and a reader that still holds an old Snapshot keeps a
// consistent view until it drops it.
//
// Expiry. Entries with an expiry (SecMaster block aging, whiteblackip
// terminal) are checked against the caller's time at every lookup, so an
// expired entry never decides, even before it is removed. A min-heap of
// expiries and activations (whiteblackip start) drives Sweep, which
// removes or inserts exactly the due entries incrementally: no rebuild,
// however many entries expire together. A whiteblackip rule with a start
// in the future is inserted by the Sweep that follows its start, so it
// takes effect as late as the sweeper runs (Run sleeps until the next due
// time).
//
// Cost model. A Decide call allocates nothing. DecideIP probes one mtable
// (one hash bucket and, for IPv4, one /16 interval list, for IPv6 one trie
// walk); DecideWAF probes two (the WAF layer's emergency entries and the
// host's policy), looks the host up (up to eight exact bindings by
// comparing names, more in a map) and the address up in the address data
// (geodata) when geolocation or reputation rules are in force; empty
// stores are skipped. It first locates the memory of both address tables
// (host bucket and, for IPv4, /16 interval list), then looks the address
// data up, and only then reads the tables, so that the cache misses of the
// three lookups overlap instead of following one another. When the most specific entry of a
// category has expired but has not been swept yet, the lookup walks the
// covering prefixes (bart Supernets); that rare path may allocate. A change
// costs one hostStore copy-on-write for an address, or for a real prefix
// one trie insertion plus one per stored prefix it covers whose inherited
// value changes (from eight such cells on, one persistent union of all of
// them, which copies each touched trie node once), and for an IPv4 prefix also the rebuild of one /16's
// interval list (/16 and longer) or an insertion into the small trie for
// each shorter prefix whose cell changes (shorter). DecideWorkspace is workspace.Decide, linear in the policies.
package engine
