//! The user's links: storing one when a flow finishes (filling empty profile fields), the
//! cards of Settings › Applications, and disconnecting (delete, then revoke at the provider).

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait, TryIntoModel,
};

use super::avatars::avatar_path;
use super::failure::ConnectFailure;
use super::provider_store::{is_offered, is_sandbox, load_config, load_rows};
use super::providers::{Call, ProviderProfile, TokenSet, provider_for};
use super::{ApplicationCard, ConnectionView, ProviderId};
use crate::db::entities::{connected_account, user};
use crate::error::AppError;
use crate::state::AppState;

/// The purpose a token is sealed under: its kind and provider.
fn token_purpose(provider: ProviderId, kind: &str) -> String {
    format!("{kind}:{}", provider.slug())
}

/// Stores the link (new, or refreshed when it exists) and fills the user's empty profile
/// fields, in one transaction; refuses an account linked to another user. Returns the link's id.
pub(super) async fn link_account(
    state: &AppState,
    user_id: i64,
    provider: ProviderId,
    profile: &ProviderProfile,
    tokens: &TokenSet,
) -> Result<i64, ConnectFailure> {
    let txn = state.db.begin().await.map_err(AppError::from)?;
    let owner = connected_account::Entity::find()
        .filter(connected_account::Column::Provider.eq(provider))
        .filter(connected_account::Column::ProviderUserId.eq(&profile.id))
        .one(&txn)
        .await
        .map_err(AppError::from)?;
    if owner.as_ref().is_some_and(|o| o.user_id != user_id) {
        return Err(ConnectFailure::TakenByAnotherUser);
    }
    let existing = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user_id))
        .filter(connected_account::Column::Provider.eq(provider))
        .one(&txn)
        .await
        .map_err(AppError::from)?;
    let mut row = match existing {
        Some(found) => found.into(),
        None => connected_account::ActiveModel {
            created_at: Set(Utc::now()),
            user_id: Set(user_id),
            provider: Set(provider),
            ..Default::default()
        },
    };
    set_profile_and_tokens(&mut row, state, provider, profile, tokens)?;
    let saved = row
        .save(&txn)
        .await
        .and_then(TryIntoModel::try_into_model)
        .map_err(AppError::from)?;
    fill_empty_profile(&txn, user_id, profile)
        .await
        .map_err(AppError::from)?;
    txn.commit().await.map_err(AppError::from)?;
    Ok(saved.id)
}

/// Writes the provider's profile and the sealed tokens into a link's row.
fn set_profile_and_tokens(
    row: &mut connected_account::ActiveModel,
    state: &AppState,
    provider: ProviderId,
    profile: &ProviderProfile,
    tokens: &TokenSet,
) -> Result<(), AppError> {
    let seal = |kind: &str, token: &crate::crypto::Secret| {
        state
            .cipher
            .seal(token.expose(), &token_purpose(provider, kind))
    };
    let now = Utc::now();
    row.provider_user_id = Set(profile.id.clone());
    row.username = Set(profile.username.clone());
    row.display_name = Set(profile.display_name.clone());
    row.email = Set(profile.email.clone());
    row.avatar_url = Set(profile.avatar_url.clone());
    row.profile_url = Set(profile.profile_url.clone());
    row.access_token = Set(seal("access_token", &tokens.access_token)?);
    row.refresh_token = Set(tokens
        .refresh_token
        .as_ref()
        .map(|t| seal("refresh_token", t))
        .transpose()?);
    row.expires_at = Set(tokens
        .expires_in
        .filter(|s| *s > 0)
        .map(|s| now + Duration::seconds(s)));
    row.scopes = Set(tokens.scopes.clone().unwrap_or_default());
    row.updated_at = Set(now);
    Ok(())
}

/// Fills the user's empty first name and last name from the provider; never overwrites what
/// the user set (as the original Orga server's `update_user_details` did). The picture is
/// filled later, with our copy (`avatars::refresh_link_picture`), never the provider's URL.
async fn fill_empty_profile(
    txn: &sea_orm::DatabaseTransaction,
    user_id: i64,
    profile: &ProviderProfile,
) -> Result<(), sea_orm::DbErr> {
    let Some(current) = user::Entity::find_by_id(user_id).one(txn).await? else {
        return Ok(());
    };
    let (split_first, split_last) = profile
        .display_name
        .as_deref()
        .map(crate::accounts::validate::split_name)
        .unzip();
    let first = profile
        .first_name
        .clone()
        .or(split_first)
        .filter(|s| !s.is_empty());
    let last = profile
        .last_name
        .clone()
        .or(split_last)
        .filter(|s| !s.is_empty());
    let mut active: user::ActiveModel = current.clone().into();
    let mut changed = false;
    if current.first_name.trim().is_empty()
        && let Some(first) = first
    {
        active.first_name = Set(first.chars().take(100).collect());
        changed = true;
    }
    if current.last_name.trim().is_empty()
        && let Some(last) = last
    {
        active.last_name = Set(last.chars().take(100).collect());
        changed = true;
    }
    if changed {
        active.updated_at = Set(Utc::now());
        active.update(txn).await?;
    }
    Ok(())
}

/// The cards of Settings › Applications for `user`: offered providers only.
pub async fn application_cards(
    state: &AppState,
    user_id: i64,
) -> Result<Vec<ApplicationCard>, AppError> {
    let links = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user_id))
        .all(&state.db)
        .await?;
    let mut cards = Vec::new();
    for row in load_rows(&state.db).await? {
        if !is_offered(&row) {
            continue;
        }
        let connection = links
            .iter()
            .find(|l| l.provider == row.provider)
            .map(connection_view);
        cards.push(ApplicationCard {
            provider: row.provider,
            sandbox: is_sandbox(&row, state.site.sandbox_url.as_ref()),
            connection,
        });
    }
    Ok(cards)
}

/// The user's links, whatever the provider settings (for the profile page).
pub async fn user_connections(
    state: &AppState,
    user_id: i64,
) -> Result<Vec<(ProviderId, ConnectionView)>, AppError> {
    let links = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user_id))
        .all(&state.db)
        .await?;
    Ok(links
        .iter()
        .map(|l| (l.provider, connection_view(l)))
        .collect())
}

fn connection_view(link: &connected_account::Model) -> ConnectionView {
    ConnectionView {
        display_name: link.display_name.clone(),
        username: link.username.clone(),
        email: link.email.clone(),
        avatar_url: link.avatar_hash.as_deref().map(avatar_path),
        profile_url: link.profile_url.clone(),
        connected_at: link.created_at.to_rfc3339(),
        connected_on: link.created_at.format("%-d %B %Y").to_string(),
    }
}

/// Deletes the user's link to `provider` and its tokens, then asks the provider to revoke the
/// grant. A failed revoke is logged and does not undo the disconnect.
pub async fn disconnect(
    state: &AppState,
    user_id: i64,
    provider: ProviderId,
) -> Result<(), AppError> {
    let link = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user_id))
        .filter(connected_account::Column::Provider.eq(provider))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    connected_account::Entity::delete_by_id(link.id)
        .exec(&state.db)
        .await?;
    tracing::info!(user_id, provider = provider.slug(), "account disconnected");
    revoke_quietly(state, provider, &link).await;
    Ok(())
}

async fn revoke_quietly(state: &AppState, provider: ProviderId, link: &connected_account::Model) {
    let config = match load_config(state, provider).await {
        Ok(Some(config)) => config,
        Ok(None) => {
            tracing::warn!(
                provider = provider.slug(),
                "not revoked: provider no longer configured"
            );
            return;
        }
        Err(err) => {
            tracing::warn!(provider = provider.slug(), error = %err, "not revoked: settings unreadable");
            return;
        }
    };
    let token = match state
        .cipher
        .open(&link.access_token, &token_purpose(provider, "access_token"))
    {
        Ok(token) => token,
        Err(err) => {
            tracing::warn!(provider = provider.slug(), error = %err, "not revoked: token unreadable");
            return;
        }
    };
    if let Err(err) = provider_for(provider)
        .revoke(Call::new(&config, &state.http), &token)
        .await
    {
        tracing::warn!(provider = provider.slug(), error = %err, "revoke failed; the link is removed anyway");
    }
}
