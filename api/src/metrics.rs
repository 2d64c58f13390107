//! Prometheus metrics: requests and latency per route and status, and the database pool's use.
//! Served at `GET /metrics` (text format), outside the public contract.

use std::sync::Arc;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

/// The application's metrics.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_in_use: IntGauge,
    /// Requests waiting for a pooled connection right now.
    pub pool_waiting: Arc<IntGauge>,
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route and status",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["method", "route", "status"],
        )?;
        let pool_connections = IntGauge::new("db_pool_connections", "Open pooled connections")?;
        let pool_idle = IntGauge::new("db_pool_idle_connections", "Idle pooled connections")?;
        let pool_in_use = IntGauge::new("db_pool_in_use_connections", "Connections checked out")?;
        let pool_waiting = IntGauge::new(
            "db_pool_waiting_requests",
            "Requests waiting for a pooled connection",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_idle.clone()))?;
        registry.register(Box::new(pool_in_use.clone()))?;
        registry.register(Box::new(pool_waiting.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle,
            pool_in_use,
            pool_waiting: Arc::new(pool_waiting),
        })
    }

    /// Records one finished request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency
            .with_label_values(&labels)
            .observe(elapsed.as_secs_f64());
    }

    /// The text exposition, after refreshing the pool gauges from `pool_state`.
    pub fn render(&self, pool_state: &diesel::r2d2::State) -> String {
        self.pool_connections.set(i64::from(pool_state.connections));
        self.pool_idle.set(i64::from(pool_state.idle_connections));
        self.pool_in_use.set(i64::from(
            pool_state
                .connections
                .saturating_sub(pool_state.idle_connections),
        ));
        let mut out = Vec::new();
        if TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .is_err()
        {
            return String::new();
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
