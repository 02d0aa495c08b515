//! Prometheus metrics, kept by the `prometheus` crate: requests by route and status and
//! their latency, counted as they happen; pool usage and the outbox backlog, set when
//! `/metrics` is scraped. Exposed in the Prometheus text format.

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    outbox_pending: IntGauge,
    outbox_dead: IntGauge,
    reads: IntCounterVec,
    replica_lag: prometheus::Gauge,
    replica_up: IntGauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    let gauge = IntGauge::new(name, help).expect("a valid gauge");
    registry
        .register(Box::new(gauge.clone()))
        .expect("registered once");
    gauge
}

impl Default for Metrics {
    fn default() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route and status.",
            ),
            &["method", "route", "status"],
        )
        .expect("a valid counter");
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency.")
                .buckets(BUCKETS.to_vec()),
            &["method", "route"],
        )
        .expect("a valid histogram");
        registry
            .register(Box::new(requests.clone()))
            .expect("registered once");
        registry
            .register(Box::new(latency.clone()))
            .expect("registered once");
        let reads = IntCounterVec::new(
            Opts::new(
                "db_reads_total",
                "Read-only operations by where they ran (primary or replica).",
            ),
            &["target"],
        )
        .expect("a valid counter");
        registry
            .register(Box::new(reads.clone()))
            .expect("registered once");
        let replica_lag = prometheus::Gauge::new(
            "db_replica_lag_seconds",
            "How far the replica's replay is behind the primary, as last sampled.",
        )
        .expect("a valid gauge");
        registry
            .register(Box::new(replica_lag.clone()))
            .expect("registered once");
        Metrics {
            reads,
            replica_lag,
            replica_up: gauge(
                &registry,
                "db_replica_up",
                "1 when the replica answered its last sample, 0 when not (or none).",
            ),
            pool_connections: gauge(
                &registry,
                "db_pool_connections",
                "Open connections in the pool.",
            ),
            pool_idle: gauge(
                &registry,
                "db_pool_idle_connections",
                "Idle connections in the pool.",
            ),
            pool_max: gauge(&registry, "db_pool_max_size", "Largest size of the pool."),
            outbox_pending: gauge(
                &registry,
                "outbox_pending_messages",
                "Emails waiting to be sent.",
            ),
            outbox_dead: gauge(
                &registry,
                "outbox_dead_messages",
                "Emails parked after too many failed attempts or a refusal for good.",
            ),
            registry,
            requests,
            latency,
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// The pool's state at scrape time.
    pub fn set_pool(&self, connections: u32, idle: u32, max: u32) {
        self.pool_connections.set(connections.into());
        self.pool_idle.set(idle.into());
        self.pool_max.set(max.into());
    }

    /// One read-only operation, by where it ran.
    pub fn count_read(&self, target: crate::db::replica::Target) {
        self.reads.with_label_values(&[target.as_str()]).inc();
    }

    /// The replica's state at scrape time (`None`: down or not configured).
    pub fn set_replica(&self, lag_secs: Option<f64>) {
        self.replica_up.set(i64::from(lag_secs.is_some()));
        self.replica_lag.set(lag_secs.unwrap_or(0.0));
    }

    /// The outbox backlog at scrape time.
    pub fn set_outbox(&self, pending: i64, dead: i64) {
        self.outbox_pending.set(pending);
        self.outbox_dead.set(dead);
    }

    /// Everything, in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(%error, "encoding the metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.record("GET", "/api/v1/poles", 200, Duration::from_millis(3));
        metrics.record("GET", "/api/v1/poles", 200, Duration::from_millis(30));
        let out = metrics.render();
        assert!(
            out.contains(
                "http_requests_total{method=\"GET\",route=\"/api/v1/poles\",status=\"200\"} 2"
            ),
            "{out}"
        );
        assert!(out.contains("le=\"0.005\"} 1"));
        assert!(out.contains("le=\"0.05\"} 2"));
        assert!(out.contains("le=\"+Inf\"} 2"));
    }
}
