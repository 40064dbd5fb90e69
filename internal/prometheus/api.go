package prometheus

import (
	"strconv"
	"sync"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
)

// latencyBuckets are the upper bounds, in seconds, of the latency
// histograms of API requests, store operations and bouncer pulls.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// maxErrorCodes bounds the error_code label's values (the codes are
// constants of the families, far fewer).
const maxErrorCodes = 500

// apiMetrics are the API listener's.
type apiMetrics struct {
	requests *prom.CounterVec
	duration *prom.HistogramVec
	errors   *prom.CounterVec
	codes    boundedLabels
	series   sync.Map // apiKey → *apiSeries: the vectors' children, looked up once
}

// apiKey names the series of one kind of request.
type apiKey struct {
	family, method, route string
	status                int
}

// apiSeries are the series a kind of request counts in.
type apiSeries struct {
	requests prom.Counter
	duration prom.Observer
}

func (a *apiMetrics) register(reg *prom.Registry) {
	a.requests = prom.NewCounterVec(prom.CounterOpts{Name: "rampart_api_requests_total",
		Help: "Requests answered by the API listener, by family, method and route pattern (unmatched: no route) and status code."},
		[]string{"family", "method", "route", "code"})
	a.duration = prom.NewHistogramVec(prom.HistogramOpts{Name: "rampart_api_request_duration_seconds",
		Help:    "Time the API listener took to answer a request, by family, method and route pattern (long polls of the change streams included).",
		Buckets: latencyBuckets}, []string{"family", "method", "route"})
	a.errors = prom.NewCounterVec(prom.CounterOpts{Name: "rampart_api_errors_total",
		Help: "Error answers of the API listener, by family and the error code of the family's envelope."},
		[]string{"family", "error_code"})
	a.codes.max = maxErrorCodes
	reg.MustRegister(a.requests, a.duration, a.errors)
}

// statusCodes are the code labels of the statuses 100 to 599, made once.
var statusCodes = func() (s [600]string) {
	for i := 100; i < len(s); i++ {
		s[i] = strconv.Itoa(i)
	}
	return s
}()

// ObserveAPIRequest implements httpapi.Observer.
func (m *Metrics) ObserveAPIRequest(family, method, route string, status int, errorCode string, took time.Duration) {
	k := apiKey{family, method, route, status}
	v, ok := m.api.series.Load(k)
	if !ok {
		code := "other"
		if status >= 100 && status < len(statusCodes) {
			code = statusCodes[status]
		}
		v, _ = m.api.series.LoadOrStore(k, &apiSeries{requests: m.api.requests.WithLabelValues(family, method, route, code),
			duration: m.api.duration.WithLabelValues(family, method, route)})
	}
	s := v.(*apiSeries)
	s.requests.Inc()
	s.duration.Observe(took.Seconds())
	if errorCode != "" {
		m.api.errors.WithLabelValues(family, m.api.codes.value(errorCode)).Inc()
	}
}
