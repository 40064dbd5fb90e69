package storeform

import (
	"fmt"

	"github.com/rampartsec/rampart/internal/workspace"
)

// storedIP is the JSON form of one entry of a Workspace access policy's IP
// list.
type storedIP struct {
	Address string `json:"a"`
	Mask    string `json:"m"`
}

// EncodeIPList returns the stored IP list of an access policy.
func EncodeIPList(ips []workspace.IPEntry) string {
	out := make([]storedIP, len(ips))
	for i, e := range ips {
		out[i] = storedIP{Address: e.Address, Mask: e.Mask}
	}
	return encode(out)
}

// DecodeIPList reads a stored IP list, validating every entry again.
func DecodeIPList(b []byte) ([]workspace.IPEntry, error) {
	var in []storedIP
	if err := decode(b, &in, "workspace ip_list"); err != nil {
		return nil, err
	}
	out := make([]workspace.IPEntry, len(in))
	for i, ip := range in {
		e, err := workspace.ParseIPEntry("ip_list", ip.Address, ip.Mask)
		if err != nil {
			return nil, fmt.Errorf("workspace ip_list: stored entry %d: %w", i, err)
		}
		out[i] = e
	}
	return out, nil
}
