//! A provider that streams a huge body: the read stops at the cap, the person reads a clear
//! outcome, and the process's memory grows by far less than the body. A test binary of its
//! own, so that no other test's allocations blur the memory figure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Instant;

use app::connections::ProviderId;
use common::TestApp;
use sandbox::{Endpoint, Fault, Hostile};

db_tests!(a_provider_streaming_a_huge_body_gets_a_clear_error);

/// The resident memory of this process, in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The profile endpoint answers 50 MB without a length: the read stops at the cap (1 MiB), the
/// person reads a clear outcome, nothing is written, and memory grows by far less than the body.
async fn a_provider_streaming_a_huge_body_gets_a_clear_error(app: TestApp) {
    app.configure("x").await;
    let client = app.signed_up("Ada", "ada@example.com").await;
    app.sandbox.set_fault(
        ProviderId::X,
        Endpoint::Profile,
        Fault::Hostile(Hostile::HugeBody),
    );
    let before = rss_kib();
    let started = Instant::now();
    let res = app.connect(&client, "x", "ada", "allow").await;
    let outcome = app.outcome(&client, res).await;
    let grown_mib = rss_kib().saturating_sub(before) / 1024;
    assert_eq!(outcome, "x:malformed", "a clear outcome");
    assert_eq!(app.count("connected_accounts").await, 0);
    assert!(
        grown_mib < 40,
        "memory grew by {grown_mib} MiB for a 50 MB body"
    );
    eprintln!(
        "huge body refused in {:?}, memory +{grown_mib} MiB",
        started.elapsed()
    );
}
