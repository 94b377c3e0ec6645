//! Background work of a running server: the link-health job and the clean-up job. They never
//! run inside a request. Several instances may run them at once: each link is leased by one of
//! them per round, and the clean-up deletes only rows that are dead for everyone.

use std::time::Duration;

use app::accounts::throttle::forget_old_failures;
use app::connections::flow::purge_expired_flows;
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

/// What one run of the clean-up job deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CleanupReport {
    /// Pending connect flows past their ten minutes.
    pub expired_flows: u64,
    /// Failed sign-in counts nobody has added to for a day (and no longer locking).
    pub stale_sign_in_failures: u64,
}

/// Starts the clean-up job: every `interval` (`CLEANUP_INTERVAL_SECS`), [`clean_up`].
pub fn spawn_cleanup(state: AppState, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let report = clean_up(&state, chrono::Utc::now()).await;
            if report != CleanupReport::default() {
                tracing::info!(?report, "clean-up");
            }
        }
    })
}

/// Deletes what is dead at `now`: expired pending flows and stale sign-in failure counts. A
/// failure is logged and the next run tries again.
pub async fn clean_up(state: &AppState, now: chrono::DateTime<chrono::Utc>) -> CleanupReport {
    let expired_flows = purge_expired_flows(&state.db, now)
        .await
        .inspect_err(|err| tracing::warn!(error = %err, "expired flows not purged"))
        .unwrap_or(0);
    let stale_sign_in_failures = forget_old_failures(&state.db, &state.site.abuse.lockout, now)
        .await
        .inspect_err(|err| tracing::warn!(error = %err, "sign-in failures not purged"))
        .unwrap_or(0);
    CleanupReport {
        expired_flows,
        stale_sign_in_failures,
    }
}
