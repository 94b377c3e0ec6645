//! Statement counts for the benchmark (`scripts/bench`, docs/BENCHMARKS.md). With
//! `BENCH_METRICS_ADDR` set, sea-orm's metric callback counts every SQL statement the pool runs,
//! and `GET /statements` on that loopback socket answers the counts as text:
//!
//! ```text
//! total 1234
//! 1000<TAB>SELECT "users"."id", … WHERE "users"."id" = $1 LIMIT $2
//! ```
//!
//! The harness reads the total before and after a wrk run and divides by the requests made; it
//! EXPLAINs the distinct statements. Unset, nothing is installed, so production pays nothing.
//! A socket of its own rather than a route: the production router and its middleware stay as
//! they are, and loopback-only is the socket's address, checked in `Config`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sea_orm::DatabaseConnection;

/// Distinct statements kept by their text (the app has a few dozen); the total counts them all.
const MAX_DISTINCT: usize = 1_000;

/// What the callback has seen.
#[derive(Default)]
struct Counts {
    total: AtomicU64,
    by_sql: Mutex<HashMap<String, u64>>,
}

impl Counts {
    fn record(&self, sql: &str) {
        self.total.fetch_add(1, Ordering::Relaxed);
        let Ok(mut by_sql) = self.by_sql.lock() else {
            return;
        };
        if let Some(n) = by_sql.get_mut(sql) {
            *n += 1;
        } else if by_sql.len() < MAX_DISTINCT {
            by_sql.insert(sql.to_owned(), 1);
        }
    }

    /// `total N`, then one `count<TAB>statement` line per distinct statement, most run first;
    /// a statement's own tabs and line breaks become spaces, so a line is a statement.
    fn render(&self) -> String {
        let mut out = format!("total {}\n", self.total.load(Ordering::Relaxed));
        let mut rows: Vec<(String, u64)> = match self.by_sql.lock() {
            Ok(by_sql) => by_sql.iter().map(|(s, n)| (s.clone(), *n)).collect(),
            Err(_) => Vec::new(),
        };
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (sql, n) in rows {
            let one_line: String = sql
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            out.push_str(&format!("{n}\t{one_line}\n"));
        }
        out
    }
}

/// Counts every statement `db` runs (set it before the state is cloned) and serves the counts
/// on `addr` until the process ends.
pub async fn install(db: &mut DatabaseConnection, addr: SocketAddr) -> std::io::Result<()> {
    let counts = Arc::new(Counts::default());
    let sink = counts.clone();
    db.set_metric_callback(move |info| sink.record(&info.statement.sql));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let router = axum::Router::new().route(
        "/statements",
        axum::routing::get(move || {
            let counts = counts.clone();
            async move { counts.render() }
        }),
    );
    tracing::info!(%addr, "benchmark metrics: counting SQL statements");
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(error = %err, "benchmark metrics stopped");
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_render_most_run_first_one_line_each() {
        let counts = super::Counts::default();
        for sql in ["SELECT 1", "SELECT\n2", "SELECT\n2"] {
            counts.record(sql);
        }
        assert_eq!(counts.render(), "total 3\n2\tSELECT 2\n1\tSELECT 1\n");
    }
}
