//! On PostgreSQL, hears the announcements of changes to the providers' settings (made by any
//! instance, the CLI or by hand) and makes this instance's cache forget: an admin's save on one
//! instance is offered by all of them at once. While it does not hear (not yet subscribed,
//! connection lost), the cache reads through.

use std::time::Duration;

use app::connections::settings_cache::{CHANNEL, SettingsCache};
use app::state::AppState;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend};
use tokio::task::JoinHandle;

/// How long to wait before subscribing again after a failure.
const RETRY: Duration = Duration::from_secs(1);

/// Starts the listener on PostgreSQL; SQLite needs none.
pub fn spawn(state: &AppState) -> Option<JoinHandle<()>> {
    if state.db.get_database_backend() != DatabaseBackend::Postgres {
        return None;
    }
    let pool = state.db.get_postgres_connection_pool().clone();
    let cache = state.provider_settings.clone();
    Some(tokio::spawn(async move {
        loop {
            if let Err(err) = listen(&pool, &cache).await {
                tracing::warn!(error = %err, "provider settings: not hearing changes; reading through");
            }
            cache.hearing(false);
            tokio::time::sleep(RETRY).await;
        }
    }))
}

/// Subscribes, then forgets at each announcement until the connection fails.
async fn listen(pool: &sea_orm::sqlx::PgPool, cache: &SettingsCache) -> sea_orm::sqlx::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    cache.hearing(true);
    loop {
        match listener.try_recv().await? {
            Some(_) => cache.heard(),
            None => return Ok(()),
        }
    }
}
