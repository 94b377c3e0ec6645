use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

/// On PostgreSQL, every change to `provider_settings` is announced on the channel
/// `provider_settings`, whoever makes it (an instance, the CLI, `psql`): each running instance
/// keeps the settings in memory and forgets them when it hears this. A statement-level trigger
/// announces once per statement, at commit, and not at all when the transaction rolls back.
/// SQLite has one process serving; it needs no announcement (see `settings_cache`).
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The channel the server listens on; `app::connections::settings_cache::CHANNEL` names it too.
const UP: &str = r"
CREATE FUNCTION announce_provider_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('provider_settings', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER provider_settings_announced
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON provider_settings
    FOR EACH STATEMENT EXECUTE FUNCTION announce_provider_settings();
";

const DOWN: &str = r"
DROP TRIGGER IF EXISTS provider_settings_announced ON provider_settings;
DROP FUNCTION IF EXISTS announce_provider_settings();
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        postgres_only(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        postgres_only(manager, DOWN).await
    }
}

async fn postgres_only(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}
