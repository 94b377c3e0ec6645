//! Server functions of accounts. Each has a stable endpoint so that plain HTML forms (no
//! JavaScript) and tests can post to it.

use leptos::prelude::*;

use super::UserView;
use crate::error::AppError;

/// The signed-in user, or `None` for a visitor.
#[server(endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<UserView>, AppError> {
    crate::error::with_status(
        async move {
            let user = super::server::current_user().await?;
            Ok(user.as_ref().map(UserView::from))
        }
        .await,
    )
    .await
}

/// Creates an account and signs it in, then redirects to `next` (a local path) or the profile.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use super::server::{NewUser, create_user, current_session, start_session};
            use super::validate::{
                check_new_password, clean_name, normalize_email, safe_next, split_name,
            };

            let name = clean_name("name", &name, true)?;
            let email = normalize_email(&email)?;
            check_new_password(&password)?;
            let (first_name, last_name) = split_name(&name);
            let state = crate::state::AppState::current()?;
            let new = NewUser {
                email: &email,
                password: &password,
                first_name: &first_name,
                last_name: &last_name,
                admin: false,
            };
            let user = create_user(&state.db, new).await?;
            start_session(&current_session().await?, &user).await?;
            tracing::info!(user_id = user.id, "signed up");
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
    .await
}

/// Signs in with email and password, then redirects to `next` (a local path) or the profile.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use super::server::{authenticate, current_session, start_session};
            use super::validate::{normalize_email, safe_next};

            // A malformed email cannot belong to an account: answer as for any wrong credentials.
            let email = normalize_email(&email).map_err(|_| AppError::InvalidCredentials)?;
            if password.is_empty() || password.len() > 4 * super::validate::MAX_PASSWORD_LEN {
                return Err(AppError::InvalidCredentials);
            }
            let state = crate::state::AppState::current()?;
            let user = authenticate(&state.db, &email, &password).await?;
            start_session(&current_session().await?, &user).await?;
            tracing::info!(user_id = user.id, "signed in");
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
    .await
}

/// Ends the session and returns to the home page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let session = super::server::current_session().await?;
            session.flush().await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
    .await
}
