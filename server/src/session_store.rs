//! A `tower_sessions::SessionStore` over SeaORM: sessions live in the app's own database, so
//! every server instance sees every session, with no second pool or migration tool.
//!
//! A row is keyed by the SHA-256 of the session id: the id is what the cookie carries, and a
//! leaked table must not be replayable. Whose session it is, when it began, when it was last
//! used and the browser are copied out of the session's data into columns, so that a user's
//! sessions can be listed and ended. A session ends after `idle` without use (tower-sessions'
//! `Expiry::OnInactivity`, the row's `expires_at`) and at the latest `max_age` after sign-in.

use std::collections::HashMap;

use app::accounts::UserView;
use app::accounts::session::{
    SESSION_LOADED_USER, SESSION_SIGNED_IN_AT, SESSION_USER_AGENT, SESSION_USER_ID,
};
use app::crypto::sha256_hex;
use app::db::entities::session::{self, MAX_USER_AGENT_CHARS};
use app::db::entities::user;
use async_trait::async_trait;
use sea_orm::ActiveValue::NotSet;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr};
use serde_json::Value;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// How many fresh ids `create` tries when one is taken (128 random bits: never, in practice).
const CREATE_ATTEMPTS: usize = 4;

/// Sessions in the `sessions` table.
#[derive(Debug, Clone)]
pub struct SeaOrmSessionStore {
    db: DatabaseConnection,
    /// Seconds after sign-in (`created_at`) at which a session ends, however active.
    max_age: i64,
}

impl SeaOrmSessionStore {
    /// A store over the app's pool; sessions end `max_age` after sign-in.
    pub fn new(db: DatabaseConnection, max_age: chrono::Duration) -> Self {
        Self {
            db,
            max_age: max_age.num_seconds(),
        }
    }

    /// Deletes expired sessions every `period`, forever.
    pub async fn delete_expired_every(self, period: std::time::Duration) {
        let mut interval = tokio::time::interval(period);
        loop {
            interval.tick().await;
            if let Err(err) = self.delete_expired().await {
                tracing::warn!(error = %err, "could not delete expired sessions");
            }
        }
    }

    /// Rows still alive at `now`: within their inactivity expiry and their absolute lifetime.
    fn alive(&self, now: i64) -> Condition {
        Condition::all()
            .add(session::Column::ExpiresAt.gt(now))
            .add(session::Column::CreatedAt.gt(now - self.max_age))
    }

    /// Rows ended at `now`: the complement of [`Self::alive`].
    fn ended(&self, now: i64) -> Condition {
        Condition::any()
            .add(session::Column::ExpiresAt.lte(now))
            .add(session::Column::CreatedAt.lte(now - self.max_age))
    }
}

/// A record as a row, at `now`.
fn row(record: &Record, now: i64) -> Result<session::ActiveModel, session_store::Error> {
    // The user read with the session is the request's, not the session's: never saved.
    let kept: HashMap<&String, &Value> = record
        .data
        .iter()
        .filter(|(key, _)| key.as_str() != SESSION_LOADED_USER)
        .collect();
    let data =
        serde_json::to_string(&kept).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let number = |key: &str| record.data.get(key).and_then(Value::as_i64);
    let user_agent = record
        .data
        .get(SESSION_USER_AGENT)
        .and_then(Value::as_str)
        .map(|agent| agent.chars().take(MAX_USER_AGENT_CHARS).collect());
    Ok(session::ActiveModel {
        id_hash: Set(key(&record.id)),
        user_id: Set(number(SESSION_USER_ID)),
        user_agent: Set(user_agent),
        data: Set(data),
        created_at: Set(number(SESSION_SIGNED_IN_AT).unwrap_or(now)),
        // Saved means used: a session is saved when it changed, which includes the once-a-
        // minute note of activity.
        last_seen_at: Set(now),
        expires_at: Set(record.expiry_date.unix_timestamp()),
    })
}

/// The row key of a session id.
fn key(id: &Id) -> String {
    sha256_hex(id.to_string())
}

fn backend(err: sea_orm::DbErr) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[async_trait]
impl SessionStore for SeaOrmSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // The insert itself detects a taken id (primary key), so two instances creating the
        // same id at once cannot both succeed.
        for _ in 0..CREATE_ATTEMPTS {
            match session::Entity::insert(row(record, now())?)
                .exec_without_returning(&self.db)
                .await
            {
                Ok(_) => return Ok(()),
                Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(err) => return Err(backend(err)),
            }
        }
        Err(session_store::Error::Backend(
            "no free session id found".into(),
        ))
    }

    /// Updates the row, never inserts it: tower-sessions saves only a session it loaded or
    /// created, so a missing row was ended meanwhile (signed out elsewhere, a password change,
    /// the account deleted) and must not come back to life.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut fresh = row(record, now())?;
        fresh.id_hash = NotSet;
        fresh.created_at = NotSet;
        let updated = session::Entity::update_many()
            .set(fresh)
            .filter(session::Column::IdHash.eq(key(&record.id)))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        if updated.rows_affected == 0 {
            tracing::debug!("session ended meanwhile; not saved");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        // With its user, in the same query: every signed-in request needs both.
        let found = session::Entity::find_by_id(key(id))
            .filter(self.alive(now()))
            .find_also_related(user::Entity)
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some((row, user)) = found else {
            return Ok(None);
        };
        let mut data: HashMap<String, Value> = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        if let Some(user) = user {
            let view = serde_json::to_value(UserView::from(&user))
                .map_err(|e| session_store::Error::Encode(e.to_string()))?;
            data.insert(SESSION_LOADED_USER.to_owned(), view);
        }
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(key(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for SeaOrmSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let result = session::Entity::delete_many()
            .filter(self.ended(now()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        if result.rows_affected > 0 {
            tracing::debug!(deleted = result.rows_affected, "expired sessions deleted");
        }
        Ok(())
    }
}
