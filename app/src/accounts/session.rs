//! The signed-in user of a request: starting a session, reading it, and the checks every
//! protected server function starts with.

use axum::http::request::Parts;
use leptos::prelude::use_context;
use sea_orm::{DatabaseConnection, EntityTrait};
use tower_sessions::Session;

use super::UserView;
use super::guard::SessionUser;
use crate::db::entities::user;
use crate::error::AppError;
use crate::state::AppState;

/// The session key under which the signed-in user's id is kept.
pub const SESSION_USER_ID: &str = "user_id";
/// The browser's `User-Agent` at sign-in, to tell sessions apart in the list.
pub const SESSION_USER_AGENT: &str = "user_agent";
/// When the user signed in (Unix seconds); kept when the id is cycled, so a password change
/// does not restart the session's absolute lifetime.
pub const SESSION_SIGNED_IN_AT: &str = "signed_in_at";
/// When the session was last used (Unix seconds), to the minute.
pub const SESSION_LAST_SEEN_AT: &str = "last_seen_at";
/// The session's user as the session store read it with the session (one joined query): held
/// for the request only, never saved (the store leaves it out of the row).
pub const SESSION_LOADED_USER: &str = "_loaded_user";

/// Starts a signed-in session for `user`, with a new session id (against session fixation).
pub async fn start_session(session: &Session, user: &user::Model) -> Result<(), AppError> {
    use crate::db::entities::session::MAX_USER_AGENT_CHARS;
    let now = chrono::Utc::now().timestamp();
    session.cycle_id().await?;
    session.insert(SESSION_USER_ID, user.id).await?;
    session.insert(SESSION_SIGNED_IN_AT, now).await?;
    session.insert(SESSION_LAST_SEEN_AT, now).await?;
    match crate::request::user_agent(MAX_USER_AGENT_CHARS) {
        Some(agent) => session.insert(SESSION_USER_AGENT, agent).await?,
        None => {
            session.remove_value(SESSION_USER_AGENT).await?;
        }
    }
    Ok(())
}

/// Writes down that a signed-in session is in use, at most once per `every`: the session is
/// then saved (its row's `last_seen_at` and inactivity expiry move on) and its cookie sent
/// again with a fresh `Max-Age`. A visitor's session is left alone.
pub async fn note_activity(session: &Session, every: chrono::Duration) -> Result<(), AppError> {
    if session.get::<i64>(SESSION_USER_ID).await?.is_none() {
        return Ok(());
    }
    let now = chrono::Utc::now().timestamp();
    let seen = session.get::<i64>(SESSION_LAST_SEEN_AT).await?.unwrap_or(0);
    if now - seen >= every.num_seconds() {
        session.insert(SESSION_LAST_SEEN_AT, now).await?;
    }
    Ok(())
}

/// The key of a session in the `sessions` table: the SHA-256 of its id. `None` before the
/// session has an id (a visitor's first request, or right after the id was cycled).
pub fn session_key(session: &Session) -> Option<String> {
    session
        .id()
        .map(|id| crate::crypto::sha256_hex(id.to_string()))
}

/// The current request's session and its key; a signed-in request always has both, so none
/// is `Unauthorized`.
pub async fn current_session_key() -> Result<(Session, String), AppError> {
    let session = current_session().await?;
    let key = session_key(&session).ok_or(AppError::Unauthorized)?;
    Ok((session, key))
}

/// The user a session belongs to, if it belongs to one that still exists. The session store
/// read it with the session, in the same query; only a session whose user changed in this
/// request (signed in, cycled) reads it again. A session that cannot be read because the
/// database is away is [`AppError::Unavailable`] (the session store's errors do not say why
/// they failed: the database is asked).
pub async fn session_user(
    session: &Session,
    db: &DatabaseConnection,
) -> Result<Option<UserView>, AppError> {
    let read = match session.get::<i64>(SESSION_USER_ID).await {
        Ok(read) => read,
        Err(_) if db.ping().await.is_err() => return Err(AppError::Unavailable),
        Err(err) => return Err(err.into()),
    };
    let Some(id) = read else {
        return Ok(None);
    };
    let loaded = session
        .get::<UserView>(SESSION_LOADED_USER)
        .await
        .ok()
        .flatten();
    if let Some(user) = loaded.filter(|user| user.id == id) {
        return Ok(Some(user));
    }
    let user = user::Entity::find_by_id(id).one(db).await?;
    Ok(user.as_ref().map(UserView::from))
}

/// The session of the request a server function is serving.
pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|err| {
        tracing::error!(error = %err, "no session layer on this request");
        AppError::Internal
    })
}

/// The signed-in user of the current request, if any. While a page renders, the page guard has
/// already read it for this request: it is taken from there, not loaded again.
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    let known = use_context::<Parts>().and_then(|p| p.extensions.get::<SessionUser>().cloned());
    if let Some(SessionUser(user)) = known {
        return Ok(user);
    }
    let state = AppState::current()?;
    session_user(&current_session().await?, &state.db).await
}

/// The signed-in user, or `Unauthorized`: the first line of every protected server function.
pub async fn require_user() -> Result<UserView, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

/// The signed-in administrator, or `Unauthorized`/`Forbidden`.
pub async fn require_admin() -> Result<UserView, AppError> {
    let user = require_user().await?;
    if user.is_admin {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}
