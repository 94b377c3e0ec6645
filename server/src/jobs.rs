//! Background work of a running server: the link-health job. It never runs inside a request;
//! several instances may run it at once, since each link is leased by one of them per round.

use std::time::Duration;

use app::connections::health::{RoundReport, run_round};
use app::state::AppState;
use tokio::task::JoinHandle;

use crate::config::HealthJob;

/// Links leased per round and instance, for each unit of concurrency.
const BATCH_PER_WORKER: u64 = 16;

/// Starts the link-health job, unless it is turned off (`HEALTH_INTERVAL_SECS=0`).
pub fn spawn_link_health(state: AppState, job: HealthJob) -> Option<JoinHandle<()>> {
    let interval = job.interval?;
    let limit = BATCH_PER_WORKER * job.concurrency as u64;
    Some(tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            // A full batch means more links are due: keep going before sleeping again.
            loop {
                let report = round(&state, limit, job.concurrency).await;
                if (report.leased as u64) < limit {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }))
}

async fn round(state: &AppState, limit: u64, concurrency: usize) -> RoundReport {
    match run_round(state, chrono::Utc::now(), limit, concurrency).await {
        Ok(report) => {
            if report.leased > 0 {
                tracing::info!(
                    leased = report.leased,
                    renewed = report.renewed,
                    rechecked = report.rechecked,
                    reconnect_needed = report.reconnect_needed,
                    retry_later = report.retry_later,
                    "link health round"
                );
            }
            report
        }
        Err(err) => {
            tracing::warn!(error = %err, "link health round failed; next round as usual");
            RoundReport::default()
        }
    }
}
