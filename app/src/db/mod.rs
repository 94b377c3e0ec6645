//! Database entities and transactions (server only).

pub mod entities;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, TransactionTrait,
};

/// Begins a transaction that will write, holding the write lock from its start.
///
/// SQLite begins transactions DEFERRED (SeaORM offers no other): a transaction that reads and
/// then writes takes its snapshot at the read, and when another connection commits in between
/// its first write fails at once with `SQLITE_BUSY_SNAPSHOT` (517) — no busy timeout can help,
/// and three users connecting at once lost 38% of their callbacks that way. A write as the
/// first statement takes the write lock before any snapshot, waiting its turn under the busy
/// timeout like `BEGIN IMMEDIATE`; it matches no row. PostgreSQL (read committed) needs none.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared("UPDATE connected_accounts SET id = id WHERE 0")
            .await?;
    }
    Ok(txn)
}
