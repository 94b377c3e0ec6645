//! The user's links: storing one when a flow finishes (filling empty profile fields), the
//! cards of Settings › Applications, and disconnecting (delete, then revoke at the provider).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TryIntoModel,
};

use super::avatars::avatar_path;
use super::failure::ConnectFailure;
use super::lease::next_due;
use super::provider_store::{current_rows, is_offered, is_sandbox, load_app_credentials};
use super::providers::{Call, ProviderProfile, Revocation, StoredTokens, TokenSet, provider_for};
use super::{ApplicationCard, ConnectionView, LinkStatus, ProviderId, tokens};
use crate::dates::{ago, day, day_and_time};
use crate::db::entities::{connected_account, user};
use crate::error::AppError;
use crate::state::AppState;

/// A stored link, as [`link_account`] left it.
pub(super) struct Linked {
    /// The link's id.
    pub id: i64,
    /// The tokens of another account it replaced, for the caller to revoke.
    pub replaced: Option<Replaced>,
    /// Whether the user's empty name was filled from the provider.
    pub filled_name: bool,
}

/// Tokens a connect replaced that still belong to a grant at the provider: those of another
/// account of the same provider that the user linked before. The caller revokes them.
pub(super) struct Replaced {
    tokens: StoredTokens,
    account_id: String,
}

/// Stores the link (new, or renewed when it exists: a Reconnect keeps the link) and fills the
/// user's empty profile fields, in one transaction; refuses an account linked to another user.
/// A reconnect that brings no refresh token keeps the stored one when the account is the
/// same (Google sends one only on the first consent).
pub(super) async fn link_account(
    state: &AppState,
    user_id: i64,
    provider: ProviderId,
    profile: &ProviderProfile,
    tokens: &TokenSet,
) -> Result<Linked, ConnectFailure> {
    let txn = crate::db::begin_write(&state.db)
        .await
        .map_err(AppError::from)?;
    claim_account(&txn, user_id, provider, &profile.id).await?;
    let existing = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user_id))
        .filter(connected_account::Column::Provider.eq(provider))
        .one(&txn)
        .await
        .map_err(AppError::from)?;
    let same_account = existing
        .as_ref()
        .filter(|link| link.provider_user_id == profile.id && link.status != LinkStatus::Removed);
    let kept_refresh = same_account.and_then(|link| link.refresh_token.clone());
    let replaced = existing
        .as_ref()
        .filter(|link| link.provider_user_id != profile.id && !link.access_token.is_empty())
        .and_then(|link| replaced_tokens(state, link));
    let version = existing.as_ref().map_or(0, |link| link.token_version + 1);
    let mut row = match existing {
        Some(found) => found.into(),
        None => connected_account::ActiveModel {
            created_at: Set(Utc::now()),
            user_id: Set(user_id),
            provider: Set(provider),
            ..Default::default()
        },
    };
    let owner = tokens::TokenOwner { user_id, provider };
    set_link(&mut row, state, owner, profile, tokens, kept_refresh)?;
    row.token_version = Set(version);
    let saved = row
        .save(&txn)
        .await
        .and_then(TryIntoModel::try_into_model)
        .map_err(AppError::from)?;
    let filled_name = fill_empty_profile(&txn, user_id, profile)
        .await
        .map_err(AppError::from)?;
    txn.commit().await.map_err(AppError::from)?;
    Ok(Linked {
        id: saved.id,
        replaced,
        filled_name,
    })
}

/// Refuses a provider account linked to another user; what is left of an account its provider
/// removed belongs to no one any more, and goes.
async fn claim_account(
    txn: &impl ConnectionTrait,
    user_id: i64,
    provider: ProviderId,
    account_id: &str,
) -> Result<(), ConnectFailure> {
    let owner = connected_account::Entity::find()
        .filter(connected_account::Column::Provider.eq(provider))
        .filter(connected_account::Column::ProviderUserId.eq(account_id))
        .one(txn)
        .await
        .map_err(AppError::from)?;
    match owner {
        Some(other) if other.user_id != user_id && other.status == LinkStatus::Removed => {
            connected_account::Entity::delete_by_id(other.id)
                .exec(txn)
                .await
                .map_err(AppError::from)?;
        }
        Some(other) if other.user_id != user_id => return Err(ConnectFailure::TakenByAnotherUser),
        _ => {}
    }
    Ok(())
}

/// The old account's tokens, opened for revocation; unreadable ones are logged and skipped.
fn replaced_tokens(state: &AppState, link: &connected_account::Model) -> Option<Replaced> {
    match tokens::open(state, link) {
        Ok(tokens) => Some(Replaced {
            tokens,
            account_id: link.provider_user_id.clone(),
        }),
        Err(err) => {
            tracing::warn!(provider = link.provider.slug(), error = %err, "replaced account's tokens unreadable; not revoked");
            None
        }
    }
}

/// Writes the provider's profile, the sealed tokens and a fresh bill of health into a link.
fn set_link(
    row: &mut connected_account::ActiveModel,
    state: &AppState,
    owner: tokens::TokenOwner,
    profile: &ProviderProfile,
    fresh: &TokenSet,
    kept_refresh: Option<String>,
) -> Result<(), AppError> {
    let now = Utc::now();
    row.provider_user_id = Set(profile.id.clone());
    row.username = Set(profile.username.clone());
    row.display_name = Set(profile.display_name.clone());
    row.email = Set(profile.email.clone());
    row.avatar_url = Set(profile.avatar_url.clone());
    row.profile_url = Set(profile.profile_url.clone());
    let times = tokens::store(row, state, owner, fresh, kept_refresh, now)?;
    if fresh.scopes.is_none() {
        row.scopes = Set(String::new());
    }
    row.status = Set(LinkStatus::Active);
    row.status_reason = Set(None);
    row.status_changed_at = Set(Some(now));
    row.checked_at = Set(Some(now));
    row.due_at = Set(Some(next_due(
        owner.provider,
        &times,
        now,
        &state.site.health,
    )));
    row.claim_token = Set(None);
    row.claim_until = Set(None);
    row.updated_at = Set(now);
    Ok(())
}

/// Asks the provider to end the grant of tokens the app no longer keeps (a disconnect, a
/// replaced account, a flow that failed after the exchange). Best effort: a failure is logged.
pub(super) async fn revoke_quietly(
    state: &AppState,
    provider: ProviderId,
    tokens: &StoredTokens,
    account_id: &str,
) {
    let config = match load_app_credentials(state, provider).await {
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
    let grant = Revocation::strongest(tokens, account_id);
    if let Err(err) = provider_for(provider)
        .revoke(Call::new(&config, &state.http), &grant)
        .await
    {
        tracing::warn!(provider = provider.slug(), error = %err, "revoke failed; the tokens are forgotten anyway");
    }
}

/// Revokes what a connect replaced.
pub(super) async fn revoke_replaced(state: &AppState, provider: ProviderId, replaced: Replaced) {
    revoke_quietly(state, provider, &replaced.tokens, &replaced.account_id).await;
}

/// Fills the user's empty first name and last name from the provider; never overwrites what
/// the user set (as the original Orga server's `update_user_details` did). The picture is
/// filled later, with our copy (`avatars::refresh_link_picture`), never the provider's URL.
/// Tells whether it filled anything.
pub(super) async fn fill_empty_profile(
    txn: &impl ConnectionTrait,
    user_id: i64,
    profile: &ProviderProfile,
) -> Result<bool, sea_orm::DbErr> {
    let Some(current) = user::Entity::find_by_id(user_id).one(txn).await? else {
        return Ok(false);
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
    Ok(changed)
}

/// The cards of Settings › Applications for `user`: the offered providers, and any other the
/// user is still linked to (marked as no longer offered), in display order.
pub async fn application_cards(
    state: &AppState,
    user_id: i64,
) -> Result<Vec<ApplicationCard>, AppError> {
    let links = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user_id))
        .all(&state.db)
        .await?;
    let rows = current_rows(state).await?;
    let sandbox_url = state.site.sandbox_url.as_ref();
    let mut cards = Vec::new();
    for provider in ProviderId::ALL {
        let row = rows.iter().find(|r| r.provider == provider);
        let offered = row.is_some_and(|r| is_offered(r, &state.cipher, &state.site));
        let connection = links
            .iter()
            .find(|l| l.provider == provider)
            .map(connection_view);
        if !offered && connection.is_none() {
            continue;
        }
        let sandbox = row.is_some_and(|r| is_sandbox(r, sandbox_url));
        let manage_url = match sandbox_url {
            // The sandbox's index leads to each person's "Apps and websites" page.
            Some(base) if sandbox => base.as_str().to_owned(),
            _ => provider.manage_access_url().to_owned(),
        };
        cards.push(ApplicationCard {
            provider,
            sandbox,
            offered,
            manage_url,
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
    let now = Utc::now();
    ConnectionView {
        display_name: link.display_name.clone(),
        username: link.username.clone(),
        email: link.email.clone(),
        avatar_url: link.avatar_hash.as_deref().map(avatar_path),
        profile_url: link.profile_url.clone(),
        connected_at: link.created_at.to_rfc3339(),
        connected_on: day_and_time(link.created_at),
        scopes: link
            .scopes
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        status: link.status,
        problem: link.status_reason.map(|p| p.message(link.provider)),
        status_changed_on: link.status_changed_at.map(day),
        checked_at: link.checked_at.map(|at| at.to_rfc3339()),
        checked_ago: link.checked_at.map(|at| ago(now, at)),
        checked_on: link.checked_at.map(day_and_time),
    }
}

/// Deletes the user's link to `provider` and its tokens, then asks the provider to revoke the
/// grant: the refresh token where there is one (it ends the whole grant), else the access
/// token. A failed revoke is logged and does not undo the disconnect.
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
    let revocation = forget_link(state, &link).await?;
    revoke_link(state, &link, revocation).await;
    Ok(())
}

/// Disconnects every link of the user as [`disconnect`] does: all are deleted first, then
/// their grants are revoked at the providers at once (a slow provider delays the others by
/// nothing). Returns how many links there were.
pub async fn disconnect_all(state: &AppState, user_id: i64) -> Result<usize, AppError> {
    let links = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user_id))
        .all(&state.db)
        .await?;
    let mut revocations = Vec::with_capacity(links.len());
    for link in &links {
        revocations.push((link, forget_link(state, link).await?));
    }
    futures::future::join_all(
        revocations
            .into_iter()
            .map(|(link, revocation)| revoke_link(state, link, revocation)),
    )
    .await;
    Ok(links.len())
}

/// Deletes a link and its tokens; returns the tokens to revoke, opened before they went.
async fn forget_link(
    state: &AppState,
    link: &connected_account::Model,
) -> Result<Option<Replaced>, AppError> {
    // Opened first: once the row is gone, nothing else holds them.
    // A link the provider removed has no tokens left to revoke.
    let revocation = (!link.access_token.is_empty())
        .then(|| replaced_tokens(state, link))
        .flatten();
    connected_account::Entity::delete_by_id(link.id)
        .exec(&state.db)
        .await?;
    tracing::info!(
        user_id = link.user_id,
        provider = link.provider.slug(),
        "account disconnected"
    );
    Ok(revocation)
}

/// Revokes what [`forget_link`] kept of a link, if anything.
async fn revoke_link(
    state: &AppState,
    link: &connected_account::Model,
    revocation: Option<Replaced>,
) {
    if let Some(replaced) = revocation {
        revoke_replaced(state, link.provider, replaced).await;
    }
}
