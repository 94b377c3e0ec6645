//! A user's signed-in sessions, as rows of `sessions` (written by `server::session_store`):
//! listing them, and ending one or all but the current one. Every query is bounded to the
//! user's own rows: a key of someone else's session matches nothing.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::SessionView;
use super::user_agent::describe_device;
use crate::dates::{ago, day_and_time};
use crate::db::entities::session;
use crate::error::AppError;
use crate::state::AppState;

/// The user's live sessions, the current one (`current`: its key) first, then the most
/// recently used.
pub async fn list_sessions(
    state: &AppState,
    user_id: i64,
    current: &str,
) -> Result<Vec<SessionView>, AppError> {
    let now = Utc::now();
    let rows = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.gt(now.timestamp()))
        .filter(session::Column::CreatedAt.gt((now - state.site.sessions.absolute).timestamp()))
        .order_by_desc(session::Column::LastSeenAt)
        .all(&state.db)
        .await?;
    let mut views: Vec<SessionView> = rows.iter().map(|row| view(row, current, now)).collect();
    views.sort_by_key(|v| !v.current);
    Ok(views)
}

fn view(row: &session::Model, current: &str, now: DateTime<Utc>) -> SessionView {
    let at = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap_or(now);
    let (signed_in, seen) = (at(row.created_at), at(row.last_seen_at));
    SessionView {
        key: row.id_hash.clone(),
        device: describe_device(row.user_agent.as_deref()),
        signed_in_at: signed_in.to_rfc3339(),
        signed_in_words: day_and_time(signed_in),
        last_seen_at: seen.to_rfc3339(),
        last_seen_ago: ago(now, seen),
        current: row.id_hash == current,
    }
}

/// Ends the user's session `key`, which must not be `current` (signing out is for that).
/// Someone else's session, or one that is gone, is `NotFound`, and nothing happens.
pub async fn end_session(
    db: &impl ConnectionTrait,
    user_id: i64,
    key: &str,
    current: &str,
) -> Result<(), AppError> {
    if key == current {
        return Err(AppError::NotFound);
    }
    let ended = session::Entity::delete_many()
        .filter(session::Column::IdHash.eq(key))
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if ended.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    tracing::info!(user_id, "signed out one other session");
    Ok(())
}

/// Ends every session of the user but `keep` (a key); returns how many ended.
pub async fn end_other_sessions(
    db: &impl ConnectionTrait,
    user_id: i64,
    keep: &str,
) -> Result<u64, AppError> {
    let ended = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::IdHash.ne(keep))
        .exec(db)
        .await?
        .rows_affected;
    tracing::info!(user_id, ended, "signed out the other sessions");
    Ok(ended)
}
