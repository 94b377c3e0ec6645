//! Server functions of accounts. Each has a stable endpoint, named like the function, so that
//! plain HTML forms (no JavaScript) and tests can post to it.

use leptos::prelude::*;

use super::{SessionView, UserView};
use crate::error::AppError;

/// The signed-in user, or `None` for a visitor.
#[server(endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<UserView>, AppError> {
    super::session::current_user().await
}

/// Creates an account and signs it in, then redirects to `next` (a local path) or the profile.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::validate::{check_new_password, clean_name, normalize_email, safe_next, split_name};
    use crate::db::entities::user::Role;

    // Every field is checked, so that one answer lists all there is to correct.
    let (name, email) = match (
        clean_name("name", &name, true),
        normalize_email(&email),
        check_new_password(&password),
    ) {
        (Ok(name), Ok(email), Ok(())) => (name, email),
        (name, email, password) => {
            let errors = [name.err(), email.err(), password.err()];
            return Err(
                AppError::gather(errors.into_iter().flatten()).unwrap_or(AppError::Internal)
            );
        }
    };
    let (first_name, last_name) = split_name(&name);
    let state = crate::state::AppState::current()?;
    let new = super::users::NewUser {
        email: &email,
        password: &password,
        first_name: &first_name,
        last_name: &last_name,
        role: Role::User,
    };
    let user = super::users::create_user(&state.db, new).await?;
    super::session::start_session(&super::session::current_session().await?, &user).await?;
    tracing::info!(user_id = user.id, "signed up");
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Signs in with email and password, then redirects to `next` (a local path) or the profile.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::validate::{MAX_PASSWORD_LEN, normalize_email, safe_next};

    // A malformed email cannot belong to an account: answer as for any wrong credentials.
    let email = normalize_email(&email).map_err(|_| AppError::InvalidCredentials)?;
    if password.is_empty() || password.len() > 4 * MAX_PASSWORD_LEN {
        return Err(AppError::InvalidCredentials);
    }
    let state = crate::state::AppState::current()?;
    let lockout = &state.site.abuse.lockout;
    let user =
        super::throttle::authenticate_throttled(&state.db, lockout, &email, &password).await?;
    super::session::start_session(&super::session::current_session().await?, &user).await?;
    tracing::info!(user_id = user.id, "signed in");
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Ends the session and returns to the home page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    super::session::current_session().await?.flush().await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Changes the signed-in user's password: the current one is asked again, the new one is
/// checked as at sign-up. Every other session of the user is signed out, and this one gets a
/// new id. A plain form post returns to the Profile page.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let user = super::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    let (session, keep) = super::session::current_session_key().await?;
    super::users::change_password(&state.db, user.id, &keep, &current_password, &new_password)
        .await?;
    session.cycle_id().await?;
    Ok(())
}

/// The signed-in user's sessions, this browser's first.
#[server(endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionView>, AppError> {
    let user = super::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    let (_, current) = super::session::current_session_key().await?;
    super::sessions::list_sessions(&state, user.id, &current).await
}

/// Signs out one of the user's other sessions, named by its `key` (from `list_sessions`).
/// Anyone else's session, or this one, is `NotFound`.
#[server(endpoint = "sign_out_session")]
pub async fn sign_out_session(key: String) -> Result<(), AppError> {
    let user = super::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    let (_, current) = super::session::current_session_key().await?;
    super::sessions::end_session(&state.db, user.id, &key, &current).await?;
    Ok(())
}

/// Signs out every session of the user but this one; answers how many ended.
#[server(endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions() -> Result<u64, AppError> {
    let user = super::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    let (_, current) = super::session::current_session_key().await?;
    let ended = super::sessions::end_other_sessions(&state.db, user.id, &current).await?;
    Ok(ended)
}
