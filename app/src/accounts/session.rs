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

/// Starts a signed-in session for `user`, with a new session id (against session fixation).
pub async fn start_session(session: &Session, user: &user::Model) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(SESSION_USER_ID, user.id).await?;
    Ok(())
}

/// The user a session belongs to, if it belongs to one that still exists.
pub async fn session_user(
    session: &Session,
    db: &DatabaseConnection,
) -> Result<Option<user::Model>, AppError> {
    let Some(id) = session.get::<i64>(SESSION_USER_ID).await? else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(id).one(db).await?)
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
    let user = session_user(&current_session().await?, &state.db).await?;
    Ok(user.as_ref().map(UserView::from))
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
