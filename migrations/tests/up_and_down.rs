//! Every migration applies, rolls back and applies again on a real (in-memory SQLite) database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use migrations::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::Database;

#[tokio::test]
async fn migrations_apply_roll_back_and_reapply() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    Migrator::down(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        Migrator::migrations().len()
    );
    Migrator::up(&db, None).await.unwrap();
}
