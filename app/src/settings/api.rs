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
    crate::error::with_status(
        async move {
            use crate::accounts::validate::clean_name;
            use sea_orm::{ActiveModelTrait, Set};

            let user = crate::accounts::server::require_user().await?;
            let first_name = clean_name("first_name", &first_name, false)?;
            let last_name = clean_name("last_name", &last_name, false)?;
            let avatar_url = check_avatar_url(&avatar_url)?;
            let state = crate::state::AppState::current()?;
            let mut active: crate::db::entities::user::ActiveModel = user.into();
            active.first_name = Set(first_name);
            active.last_name = Set(last_name);
            active.avatar_url = Set(avatar_url);
            active.updated_at = Set(chrono::Utc::now());
            active.update(&state.db).await?;
            if crate::accounts::server::is_plain_form_post().await {
                leptos_axum::redirect("/settings/profile?saved=1");
            }
            Ok(())
        }
        .await,
    )
    .await
}

/// The user's connected accounts, for the links on the profile.
#[server(endpoint = "list_profile_links")]
pub async fn list_profile_links() -> Result<Vec<(ProviderId, ConnectionView)>, AppError> {
    crate::error::with_status(
        async move {
            let user = crate::accounts::server::require_user().await?;
            let state = crate::state::AppState::current()?;
            crate::connections::server::user_connections(&state, user.id).await
        }
        .await,
    )
    .await
}

/// An avatar must be an http(s) URL of reasonable length; empty means none.
#[cfg(feature = "ssr")]
fn check_avatar_url(raw: &str) -> Result<Option<String>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
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
