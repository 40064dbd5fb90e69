package secmaster

import "sync/atomic"

// Layers are the defense layers, in the order DeliveryCounts lists them.
var Layers = [...]string{LayerWAF, LayerCFW, LayerVPC, LayerIAM}

// deliveryCounters count the worker's delivery results by layer (the last
// index: any other layer name) and the retries asked for.
type deliveryCounters struct {
	delivered [len(Layers) + 1]atomic.Uint64
	failed    [len(Layers) + 1]atomic.Uint64
	retries   atomic.Uint64
}

// layerIndex is the counters' index of layer.
func layerIndex(layer string) int {
	for i, l := range Layers {
		if l == layer {
			return i
		}
	}
	return len(Layers)
}

// count records one delivery result of an entry of layer.
func (c *deliveryCounters) count(layer string, failed bool) {
	if failed {
		c.failed[layerIndex(layer)].Add(1)
	} else {
		c.delivered[layerIndex(layer)].Add(1)
	}
}

// DeliveryCounts are the delivery worker's results since the process
// started.
type DeliveryCounts struct {
	// Delivered and Failed count defense entries brought into force (or
	// lifted) and entries that failed, by layer (Layers order; the last
	// element: any other layer).
	Delivered, Failed [len(Layers) + 1]uint64
	// Retries counts the policies retry requests asked to deliver again.
	Retries uint64
}

// DeliveryCounts returns the delivery worker's counters.
func (s *Service) DeliveryCounts() DeliveryCounts {
	var d DeliveryCounts
	for i := range d.Delivered {
		d.Delivered[i] = s.counts.delivered[i].Load()
		d.Failed[i] = s.counts.failed[i].Load()
	}
	d.Retries = s.counts.retries.Load()
	return d
}
