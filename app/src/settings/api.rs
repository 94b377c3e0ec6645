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

/// An avatar must be an https URL passing the same check as a provider's (no control
/// characters, no credentials, at most 2048 characters), or one of our own pictures
/// (`/avatars/{hash}`, as a connect filled it in); empty means none. Not http: the pages'
/// `img-src` allows https only, and a picture sent in clear would show who looks at it.
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
    crate::connections::providers::untrusted::web_url(raw)
        .filter(|url| url.starts_with("https://"))
        .map(Some)
        .ok_or_else(bad)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::check_avatar_url;

    #[test]
    fn a_typed_picture_is_https_and_clean() {
        assert_eq!(
            check_avatar_url(" https://example.com/me.png ")
                .ok()
                .flatten()
                .as_deref(),
            Some("https://example.com/me.png")
        );
        assert_eq!(check_avatar_url("").ok(), Some(None));
        for refused in [
            "http://example.com/me.png",
            "http://127.0.0.1/me.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "https://user:pw@example.com/me.png",
            "https://example.com/\u{0}me.png",
            "/avatars/not-a-hash",
        ] {
            assert!(check_avatar_url(refused).is_err(), "{refused:?} accepted");
        }
    }
}
