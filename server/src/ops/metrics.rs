//! The instance's measurements, one registry per running server (so tests that start several
//! servers in one process read each one's own figures).

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use super::store::PoolUse;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's template (`/api/external/chatbot/{id}`), never the requested path: one
    /// series per route, whatever the ids.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

/// How a knowledge job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// Indexed, or failed for good with a reason the owner sees.
    Done,
    /// Handed back to the queue (a passing trouble, or the result could not be recorded).
    Retried,
    /// The document changed or was deleted meanwhile; the result was dropped.
    Discarded,
}

impl JobOutcome {
    fn label(self) -> String {
        match self {
            JobOutcome::Done => "done",
            JobOutcome::Retried => "retried",
            JobOutcome::Discarded => "discarded",
        }
        .into()
    }
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// Request latencies from 1 ms to about 33 s.
fn request_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// Job durations from 10 ms to about 5 minutes.
fn job_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.01, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: HistogramFamily<RequestLabels>,
    job_seconds: HistogramFamily<JobLabels>,
    queue_depth: Gauge,
    first_token_seconds: Histogram,
    provider_errors: Counter,
    pool_connections: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("chatdeck");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let request_seconds: HistogramFamily<RequestLabels> =
            Family::new_with_constructor(request_buckets);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request to its response's head (a stream's body may take longer)",
            request_seconds.clone(),
        );
        let job_seconds: HistogramFamily<JobLabels> = Family::new_with_constructor(job_buckets);
        registry.register(
            "knowledge_job_duration_seconds",
            "Time a knowledge job took (extract, chunk, index), by how it ended",
            job_seconds.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "knowledge_queue_depth",
            "Knowledge jobs waiting or in progress, all instances together",
            queue_depth.clone(),
        );
        let first_token_seconds = Histogram::new(exponential_buckets(0.05, 2.0, 12));
        registry.register(
            "chat_first_token_seconds",
            "Time from a chat request to the answer's first text",
            first_token_seconds.clone(),
        );
        let provider_errors = Counter::default();
        registry.register(
            "chat_provider_errors",
            "Chat answers the model provider failed (after its retries)",
            provider_errors.clone(),
        );
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections open, by state (idle or in use)",
            pool_connections.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "The most connections the pool opens",
            pool_max.clone(),
        );
        Self {
            registry,
            requests,
            request_seconds,
            job_seconds,
            queue_depth,
            first_token_seconds,
            provider_errors,
            pool_connections,
            pool_max,
        }
    }

    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let labels = RequestLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        self.requests.get_or_create(&labels).inc();
        self.request_seconds
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
    }

    pub fn observe_job(&self, outcome: JobOutcome, elapsed: Duration) {
        self.job_seconds
            .get_or_create(&JobLabels {
                outcome: outcome.label(),
            })
            .observe(elapsed.as_secs_f64());
    }

    pub fn observe_first_token(&self, elapsed: Duration) {
        self.first_token_seconds.observe(elapsed.as_secs_f64());
    }

    pub fn count_provider_error(&self) {
        self.provider_errors.inc();
    }

    /// The exposition, with the gauges read just now (`queue_depth` jobs, `pool`).
    pub fn render(&self, queue_depth: i64, pool: PoolUse) -> String {
        self.queue_depth.set(queue_depth);
        let in_use = pool.open.saturating_sub(pool.idle);
        for (state, n) in [("idle", pool.idle), ("in_use", in_use)] {
            self.pool_connections
                .get_or_create(&PoolLabels {
                    state: state.into(),
                })
                .set(i64::from(n));
        }
        self.pool_max.set(i64::from(pool.max));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_template_and_gauges_read_at_render() {
        let metrics = Metrics::new();
        for _ in 0..2 {
            metrics.observe_request(
                "GET",
                "/api/external/chatbot/{id}",
                200,
                Duration::from_millis(3),
            );
        }
        metrics.observe_job(JobOutcome::Done, Duration::from_millis(40));
        let text = metrics.render(
            7,
            PoolUse {
                open: 3,
                idle: 1,
                max: 8,
            },
        );
        assert!(
            text.contains(
                "chatdeck_http_requests_total{method=\"GET\",route=\"/api/external/chatbot/{id}\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(text.contains("chatdeck_knowledge_queue_depth 7"), "{text}");
        assert!(
            text.contains("chatdeck_db_pool_connections{state=\"in_use\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("chatdeck_knowledge_job_duration_seconds_count{outcome=\"done\"} 1"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
