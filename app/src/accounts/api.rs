//! Server functions of accounts. Each has a stable endpoint, named like the function, so that
//! plain HTML forms (no JavaScript) and tests can post to it.

use leptos::prelude::*;

use super::UserView;
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
    let user = super::users::authenticate(&state.db, &email, &password).await?;
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
