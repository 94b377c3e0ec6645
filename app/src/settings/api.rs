//! Server functions of Settings › Profile.

use leptos::prelude::*;

use crate::connections::{ConnectionView, ProviderId};
use crate::error::AppError;

/// Saves the user's name and picture. An empty avatar URL removes the picture.
#[server(endpoint = "update_profile")]
pub async fn update_profile(
    first_name: String,
    last_name: String,
    avatar_url: String,
) -> Result<(), AppError> {
    use crate::accounts::validate::clean_name;
    use sea_orm::{ActiveModelTrait, Set};

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    let (first_name, last_name, avatar_url) = match (
        clean_name("first_name", &first_name, false),
        clean_name("last_name", &last_name, false),
        check_avatar_url(&avatar_url),
    ) {
        (Ok(first), Ok(last), Ok(avatar)) => (first, last, avatar),
        (first, last, avatar) => {
            let errors = [first.err(), last.err(), avatar.err()];
            return Err(
                AppError::gather(errors.into_iter().flatten()).unwrap_or(AppError::Internal)
            );
        }
    };
    let row = crate::db::entities::user::ActiveModel {
        id: Set(user.id),
        first_name: Set(first_name),
        last_name: Set(last_name),
        avatar_url: Set(avatar_url),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    row.update(&state.db).await?;
    Ok(())
}

/// The user's connected accounts, for the links on the profile.
#[server(endpoint = "list_profile_links")]
pub async fn list_profile_links() -> Result<Vec<(ProviderId, ConnectionView)>, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    crate::connections::links::user_connections(&state, user.id).await
}

/// Deletes the signed-in user's account once `password` is theirs: every connected account is
/// disconnected and revoked at its provider, then everything of the user is deleted and the
/// session ends. Lands on the home page.
#[server(endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    super::account_deletion::delete_account(&state, user.id, &password).await?;
    // The row is gone already; this empties the session so the cookie is removed too.
    crate::accounts::session::current_session()
        .await?
        .flush()
        .await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// An avatar must be an http(s) URL of reasonable length, or one of our own pictures
/// (`/avatars/{hash}`, as a connect filled it in); empty means none.
#[cfg(feature = "ssr")]
fn check_avatar_url(raw: &str) -> Result<Option<String>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw
        .strip_prefix("/avatars/")
        .is_some_and(crate::connections::avatars::is_avatar_hash)
    {
        return Ok(Some(raw.to_owned()));
    }
    let bad = || {
        AppError::invalid(
            "avatar_url",
            "Enter a picture address starting with https://, or leave it empty.",
        )
    };
    let url = url::Url::parse(raw).map_err(|_| bad())?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() || raw.len() > 2048 {
        return Err(bad());
    }
    Ok(Some(url.to_string()))
}
