//! The connection pool and migrations.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Opens the pool for `url`; for a SQLite file, creates its folder (0700) and the file (0600)
/// first, and turns on WAL, a busy timeout and foreign keys. SQLite gives its `-wal` and
/// `-shm` files the mode of the database file.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let file = sqlite_file(url);
    if let Some(path) = file {
        create_sqlite_file(std::path::Path::new(path))?;
    }
    let sqlite = url.starts_with("sqlite:");
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if file.is_some() { 8 } else { 16 })
        .min_connections(1)
        // sqlx pings a connection before lending it out, to weed out ones a database server
        // dropped. SQLite's live in this process and cannot be dropped under us: the ping was
        // only a round trip to the connection's worker thread on every statement (4 % of the
        // server's CPU on the Applications page, docs/BENCHMARKS.md). PostgreSQL keeps it.
        .test_before_acquire(!sqlite)
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    Database::connect(options).await
}

fn create_sqlite_file(path: &std::path::Path) -> Result<(), DbErr> {
    let fail = |what: &std::path::Path, e: std::io::Error| {
        DbErr::Custom(format!("cannot create {}: {e}", what.display()))
    };
    if let Some(dir) = crate::private_files::parent_dir(path) {
        crate::private_files::create_private_dir(dir).map_err(|e| fail(dir, e))?;
    }
    crate::private_files::touch_private_file(path).map_err(|e| fail(path, e))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// The file path of a `sqlite://` URL, unless it is in memory.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_paths_are_found() {
        assert_eq!(
            super::sqlite_file("sqlite://data/x.db?mode=rwc"),
            Some("data/x.db")
        );
        assert_eq!(super::sqlite_file("sqlite::memory:"), None);
        assert_eq!(super::sqlite_file("postgres://localhost/x"), None);
    }
}
