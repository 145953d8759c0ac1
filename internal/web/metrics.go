package web

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"filiere/internal/auth"
	"filiere/internal/db"
)

// metrics are the Prometheus series /metrics exposes.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(d *db.DB) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "filiere_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "filiere_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	m.registry.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		dbCollector{d})
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// dbCollector reports the connection pools.
type dbCollector struct{ d *db.DB }

var (
	dbOpenDesc  = prometheus.NewDesc("filiere_db_connections_open", "Open database connections by pool.", []string{"pool"}, nil)
	dbInUseDesc = prometheus.NewDesc("filiere_db_connections_in_use", "Database connections in use by pool.", []string{"pool"}, nil)
	dbWaitDesc  = prometheus.NewDesc("filiere_db_wait_seconds_total", "Time spent waiting for a database connection by pool.", []string{"pool"}, nil)
)

func (c dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dbOpenDesc
	ch <- dbInUseDesc
	ch <- dbWaitDesc
}

func (c dbCollector) Collect(ch chan<- prometheus.Metric) {
	read, write := c.d.Stats()
	for pool, st := range map[string]struct {
		open, inUse int
		wait        time.Duration
	}{"read": {read.OpenConnections, read.InUse, read.WaitDuration}, "write": {write.OpenConnections, write.InUse, write.WaitDuration}} {
		ch <- prometheus.MustNewConstMetric(dbOpenDesc, prometheus.GaugeValue, float64(st.open), pool)
		ch <- prometheus.MustNewConstMetric(dbInUseDesc, prometheus.GaugeValue, float64(st.inUse), pool)
		ch <- prometheus.MustNewConstMetric(dbWaitDesc, prometheus.CounterValue, st.wait.Seconds(), pool)
	}
}

// serveMetrics answers staff sessions (the policy's ActMetrics) or a
// scraper holding the configured bearer token, which is no user account.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if !auth.Can(reqOf(r).user, auth.ActMetrics, 0) && !s.scraperAllowed(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// scraperAllowed tells whether r carries the configured metrics token.
func (s *Server) scraperAllowed(r *http.Request) bool {
	tok := s.Config.MetricsToken
	h := r.Header.Get("Authorization")
	if tok == "" || !strings.HasPrefix(h, "Bearer ") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimPrefix(h, "Bearer ")), []byte(tok)) == 1
}
