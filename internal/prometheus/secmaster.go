package prometheus

import (
	"context"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// Backlog counts the SecMaster delivery tasks pending and the defense
// entries waiting for one.
type Backlog func(ctx context.Context) (tasks, entries int64, err error)

// backlogTimeout bounds the backlog's count at a scrape.
const backlogTimeout = 5 * time.Second

// secmasterCollector reads the delivery worker's counters and the backlog
// when scraped.
type secmasterCollector struct {
	counts                 func() secmaster.DeliveryCounts
	backlog                Backlog
	deliveries, retries    *prom.Desc
	backlogTasks, backlogE *prom.Desc
}

// RegisterSecMaster adds the SecMaster delivery metrics: counts are the
// delivery worker's results, backlog (nil: not exposed) its backlog.
func (m *Metrics) RegisterSecMaster(counts func() secmaster.DeliveryCounts, backlog Backlog) {
	m.reg.MustRegister(&secmasterCollector{counts: counts, backlog: backlog,
		deliveries: prom.NewDesc("rampart_secmaster_deliveries_total",
			"Defense entries of SecMaster emergency policies the delivery worker brought into force or lifted (result delivered) or failed, by layer (WAF, CFW, VPC, IAM).",
			[]string{"layer", "result"}, nil),
		retries: prom.NewDesc("rampart_secmaster_delivery_retries_total",
			"Policies retry requests asked the delivery worker to deliver again.", nil, nil),
		backlogTasks: prom.NewDesc("rampart_secmaster_delivery_backlog_tasks",
			"SecMaster delivery tasks pending (read from the store at the scrape).", nil, nil),
		backlogE: prom.NewDesc("rampart_secmaster_delivery_backlog_entries",
			"Defense entries waiting for a pending delivery task (read from the store at the scrape).", nil, nil),
	})
}

// Describe implements prom.Collector.
func (c *secmasterCollector) Describe(ch chan<- *prom.Desc) {
	ch <- c.deliveries
	ch <- c.retries
	if c.backlog != nil {
		ch <- c.backlogTasks
		ch <- c.backlogE
	}
}

// Collect implements prom.Collector: the counters, then the backlog read
// from the store (left out when the store does not answer).
func (c *secmasterCollector) Collect(ch chan<- prom.Metric) {
	d := c.counts()
	for i := range d.Delivered {
		layer := "other"
		if i < len(secmaster.Layers) {
			layer = secmaster.Layers[i]
		} else if d.Delivered[i]+d.Failed[i] == 0 {
			continue // no entry of a layer outside the four
		}
		ch <- prom.MustNewConstMetric(c.deliveries, prom.CounterValue, float64(d.Delivered[i]), layer, "delivered")
		ch <- prom.MustNewConstMetric(c.deliveries, prom.CounterValue, float64(d.Failed[i]), layer, "failed")
	}
	ch <- prom.MustNewConstMetric(c.retries, prom.CounterValue, float64(d.Retries))
	if c.backlog == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), backlogTimeout)
	defer cancel()
	tasks, entries, err := c.backlog(ctx)
	if err != nil {
		return // a store that cannot answer leaves the backlog out of this scrape
	}
	ch <- prom.MustNewConstMetric(c.backlogTasks, prom.GaugeValue, float64(tasks))
	ch <- prom.MustNewConstMetric(c.backlogE, prom.GaugeValue, float64(entries))
}
