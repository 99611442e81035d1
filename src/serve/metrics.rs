//! What `/metrics` reports, in Prometheus's text format: the queue, the jobs' latency, the
//! model's speed, the renders and the HTTP answers.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Upper bounds (seconds) of the job latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 10] = [0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0];

/// How a generation job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Done,
    Failed,
    TimedOut,
    /// The client left before the job started.
    Abandoned,
    /// Refused with 503: the queue was full or the server was stopping.
    Rejected,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed_out",
            Outcome::Abandoned => "abandoned",
            Outcome::Rejected => "rejected",
        }
    }
}

#[derive(Default)]
pub struct Metrics {
    /// Jobs waiting in the queue (not the one running).
    pub waiting: AtomicUsize,
    /// 1 while the worker runs a job.
    pub running: AtomicUsize,
    latency: Mutex<Histogram>,
    outcomes: Mutex<BTreeMap<Outcome, u64>>,
    /// The last job's tokens per second, as f64 bits (0: none yet).
    tokens_per_s: AtomicU64,
    renders: AtomicU64,
    render_ms: AtomicU64,
    exports: AtomicU64,
    export_ms: AtomicU64,
    soundscapes: AtomicU64,
    responses: Mutex<BTreeMap<u16, u64>>,
}

#[derive(Default)]
struct Histogram {
    counts: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    /// A finished job: its outcome and, when it ran, its time from queueing to answer.
    pub fn job(&self, outcome: Outcome, seconds: Option<f64>) {
        *self.outcomes.lock().expect("metrics lock").entry(outcome).or_default() += 1;
        if let Some(s) = seconds {
            let mut h = self.latency.lock().expect("metrics lock");
            for (count, bound) in h.counts.iter_mut().zip(LATENCY_BUCKETS) {
                if s <= bound {
                    *count += 1;
                }
            }
            h.count += 1;
            h.sum += s;
        }
    }

    /// Mean seconds per finished job (a hint for `Retry-After`).
    pub fn mean_job_seconds(&self) -> Option<f64> {
        let h = self.latency.lock().expect("metrics lock");
        (h.count > 0).then(|| h.sum / h.count as f64)
    }

    pub fn tokens_per_s(&self, value: f64) {
        self.tokens_per_s.store(value.to_bits(), Ordering::Relaxed);
    }

    pub fn render(&self, seconds: f64) {
        self.renders.fetch_add(1, Ordering::Relaxed);
        self.render_ms.fetch_add((seconds * 1e3) as u64, Ordering::Relaxed);
    }

    pub fn export(&self, seconds: f64) {
        self.exports.fetch_add(1, Ordering::Relaxed);
        self.export_ms.fetch_add((seconds * 1e3) as u64, Ordering::Relaxed);
    }

    pub fn soundscape(&self) {
        self.soundscapes.fetch_add(1, Ordering::Relaxed);
    }

    pub fn response(&self, status: u16) {
        *self.responses.lock().expect("metrics lock").entry(status).or_default() += 1;
    }

    /// The Prometheus text exposition.
    pub fn text(&self) -> String {
        fn header(out: &mut String, name: &str, kind: &str, help: &str) {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        }
        let mut out = String::new();
        header(&mut out, "sayscape_queue_depth", "gauge", "Generation jobs waiting for the model (the running one not counted).");
        let _ = writeln!(out, "sayscape_queue_depth {}", self.waiting.load(Ordering::Relaxed));
        header(&mut out, "sayscape_jobs_running", "gauge", "Generation jobs running now (0 or 1: one model).");
        let _ = writeln!(out, "sayscape_jobs_running {}", self.running.load(Ordering::Relaxed));
        header(&mut out, "sayscape_jobs_total", "counter", "Generation jobs by how they ended.");
        let outcomes = self.outcomes.lock().expect("metrics lock").clone();
        for outcome in [Outcome::Done, Outcome::Failed, Outcome::TimedOut, Outcome::Abandoned, Outcome::Rejected] {
            let _ =
                writeln!(out, "sayscape_jobs_total{{outcome=\"{}\"}} {}", outcome.label(), outcomes.get(&outcome).copied().unwrap_or(0));
        }
        header(&mut out, "sayscape_job_seconds", "histogram", "Time from a request's arrival to its scene.");
        {
            let h = self.latency.lock().expect("metrics lock");
            for (count, bound) in h.counts.iter().zip(LATENCY_BUCKETS) {
                let _ = writeln!(out, "sayscape_job_seconds_bucket{{le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(out, "sayscape_job_seconds_bucket{{le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "sayscape_job_seconds_sum {:.6}\nsayscape_job_seconds_count {}", h.sum, h.count);
        }
        header(&mut out, "sayscape_generation_tokens_per_second", "gauge", "Tokens per second the model wrote in the last job.");
        let _ = writeln!(out, "sayscape_generation_tokens_per_second {:.3}", f64::from_bits(self.tokens_per_s.load(Ordering::Relaxed)));
        header(&mut out, "sayscape_renders_total", "counter", "Headless renders made.");
        let _ = writeln!(out, "sayscape_renders_total {}", self.renders.load(Ordering::Relaxed));
        header(&mut out, "sayscape_render_seconds_total", "counter", "Time spent rendering.");
        let _ = writeln!(out, "sayscape_render_seconds_total {:.3}", self.render_ms.load(Ordering::Relaxed) as f64 / 1e3);
        header(&mut out, "sayscape_exports_total", "counter", "Worlds exported as glTF.");
        let _ = writeln!(out, "sayscape_exports_total {}", self.exports.load(Ordering::Relaxed));
        header(&mut out, "sayscape_export_seconds_total", "counter", "Time spent exporting worlds (child processes included).");
        let _ = writeln!(out, "sayscape_export_seconds_total {:.3}", self.export_ms.load(Ordering::Relaxed) as f64 / 1e3);
        header(&mut out, "sayscape_soundscapes_total", "counter", "Soundscapes rendered.");
        let _ = writeln!(out, "sayscape_soundscapes_total {}", self.soundscapes.load(Ordering::Relaxed));
        header(&mut out, "sayscape_http_responses_total", "counter", "HTTP answers by status code.");
        for (status, count) in self.responses.lock().expect("metrics lock").iter() {
            let _ = writeln!(out, "sayscape_http_responses_total{{code=\"{status}\"}} {count}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_and_counts_every_job() {
        let m = Metrics::default();
        m.job(Outcome::Done, Some(0.7));
        m.job(Outcome::Done, Some(4.0));
        m.job(Outcome::Rejected, None);
        let text = m.text();
        assert!(text.contains("sayscape_job_seconds_bucket{le=\"0.5\"} 0\n"), "{text}");
        assert!(text.contains("sayscape_job_seconds_bucket{le=\"1\"} 1\n"), "{text}");
        assert!(text.contains("sayscape_job_seconds_bucket{le=\"5\"} 2\n"), "{text}");
        assert!(text.contains("sayscape_job_seconds_bucket{le=\"+Inf\"} 2\n"), "{text}");
        assert!(text.contains("sayscape_jobs_total{outcome=\"rejected\"} 1\n"), "{text}");
        assert_eq!(m.mean_job_seconds(), Some(2.35));
    }
}
