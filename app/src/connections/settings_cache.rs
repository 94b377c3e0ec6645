//! The providers' settings, kept in memory. Every signed-in page reads them twice (its cards
//! and the page policy's `form-action`) and every connect flow two or three times, but they
//! change only when an admin saves: a database read for each was a third of a page's
//! statements.
//!
//! Kept rows are forgotten when settings may have changed, and never trusted otherwise:
//! - a write in this process (`store_row`, rekey) forgets them in every cache of the process;
//! - on PostgreSQL, every change is announced on [`CHANNEL`] by a trigger (whoever writes,
//!   another instance, the CLI, `psql`) and the server's listener forgets them when it hears
//!   it. While nobody listens (before the listener runs, after its connection drops, or in a
//!   state that has no listener) the cache reads through, every time;
//! - on SQLite one process serves; a write by another process on the same file (the CLI while
//!   the server runs) is seen within [`SQLITE_KEEP`].
//!
//! A read that races a write keeps nothing: rows are kept only when no write was heard while
//! they were being read.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};

use super::provider_store::load_rows;
use crate::db::entities::provider_settings::Model;
use crate::error::AppError;

/// The PostgreSQL channel on which changes to `provider_settings` are announced (migration
/// `m20261203_000050_announce_provider_settings`).
pub const CHANNEL: &str = "provider_settings";

/// How long SQLite's kept rows are trusted: what a write by another process may take to show.
pub const SQLITE_KEEP: Duration = Duration::from_secs(1);

/// On PostgreSQL, in case an announcement were lost with the connection still up.
pub const POSTGRES_KEEP: Duration = Duration::from_secs(60);

/// Writes made by this process: every cache of the process compares it with its kept stamp.
static WRITES_IN_PROCESS: AtomicU64 = AtomicU64::new(0);

/// Every cache of this process forgets its rows: called after a write to `provider_settings`
/// (and by anything that writes the table around `provider_store`).
pub fn forget_in_process() {
    WRITES_IN_PROCESS.fetch_add(1, Ordering::SeqCst);
}

/// The settings of every provider, shared by the clones of one server's state.
#[derive(Clone)]
pub struct SettingsCache {
    inner: Arc<Inner>,
}

struct Inner {
    kept: RwLock<Option<Kept>>,
    /// Announcements heard, and losses of hearing: each one forgets.
    heard: AtomicU64,
    /// Whether a change made elsewhere would be heard (or, on SQLite, needs no hearing).
    trusted: AtomicBool,
    keep_for: Duration,
}

struct Kept {
    rows: Arc<[Model]>,
    at: Instant,
    stamp: Stamp,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    writes: u64,
    heard: u64,
}

impl std::fmt::Debug for SettingsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsCache")
            .field("trusted", &self.inner.trusted.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

impl SettingsCache {
    /// A cache for `db`: on SQLite trusted from the start, on PostgreSQL only once a listener
    /// says it hears the announcements ([`Self::hearing`]).
    pub fn for_database(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Sqlite => Self::new(true, SQLITE_KEEP),
            _ => Self::new(false, POSTGRES_KEEP),
        }
    }

    fn new(trusted: bool, keep_for: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                kept: RwLock::new(None),
                heard: AtomicU64::new(0),
                trusted: AtomicBool::new(trusted),
                keep_for,
            }),
        }
    }

    /// Every provider's row (or defaults), in display order: kept ones when they can be
    /// trusted, else read from `db` with one query.
    pub async fn rows(&self, db: &DatabaseConnection) -> Result<Arc<[Model]>, AppError> {
        let stamp = self.stamp();
        if let Some(rows) = self.kept(stamp) {
            return Ok(rows);
        }
        let rows: Arc<[Model]> = load_rows(db).await?.into();
        // Kept only if nothing was written or heard while reading: else the read may be older
        // than the write it raced.
        if self.trusted() && self.stamp() == stamp {
            let kept = Kept {
                rows: rows.clone(),
                at: Instant::now(),
                stamp,
            };
            *self.inner.kept.write().unwrap_or_else(|e| e.into_inner()) = Some(kept);
        }
        Ok(rows)
    }

    /// A change was announced: forget.
    pub fn heard(&self) {
        self.inner.heard.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether announcements are heard from now on (`true`: the listener subscribed) or may be
    /// missed (`false`: its connection was lost). Either way what is kept is forgotten: what
    /// was announced meanwhile is unknown.
    pub fn hearing(&self, hearing: bool) {
        self.inner.trusted.store(hearing, Ordering::SeqCst);
        self.heard();
    }

    /// Whether kept rows are used: on SQLite always, on PostgreSQL while the listener hears.
    pub fn trusted(&self) -> bool {
        self.inner.trusted.load(Ordering::SeqCst)
    }

    fn stamp(&self) -> Stamp {
        Stamp {
            writes: WRITES_IN_PROCESS.load(Ordering::SeqCst),
            heard: self.inner.heard.load(Ordering::SeqCst),
        }
    }

    fn kept(&self, now: Stamp) -> Option<Arc<[Model]>> {
        if !self.trusted() {
            return None;
        }
        let kept = self.inner.kept.read().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|k| k.stamp == now && k.at.elapsed() < self.inner.keep_for)
            .map(|k| k.rows.clone())
    }
}
