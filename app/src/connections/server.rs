//! The connect flow on the server: starting it (single-use state, PKCE, nonce), finishing it
//! (state checks, code exchange, profile, link), listing and removing links.

use chrono::{Duration, Utc};
use oauth2::{CsrfToken, PkceCodeChallenge};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use sha2::{Digest, Sha256};

use super::providers::{AuthorizeRequest, ProviderError, ProviderProfile, TokenSet, provider_for};
use super::{ApplicationCard, ConnectionView, ProviderId};
use crate::admin::settings::{is_offered, is_sandbox, load_config, load_rows, redirect_uri};
use crate::db::entities::{connected_account, oauth_state, user};
use crate::error::AppError;
use crate::state::AppState;

/// How long a started flow may take to come back.
pub const STATE_TTL_MINUTES: i64 = 10;

fn sha256_hex(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Starts connecting `provider` for `user` in the session `session_id`: stores the flow and
/// returns the provider's authorization URL.
pub async fn start_connect(
    state: &AppState,
    user: &user::Model,
    session_id: &str,
    provider: ProviderId,
) -> Result<url::Url, ConnectFailure> {
    let config = load_config(state, provider)
        .await?
        .ok_or(ConnectFailure::NotOffered)?;
    // 256 random bits each; the database keeps only a hash of the state.
    let csrf = CsrfToken::new_random_len(32);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce =
        (provider == ProviderId::Google).then(|| CsrfToken::new_random_len(32).secret().clone());
    let now = Utc::now();
    oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::ExpiresAt.lt(now))
        .exec(&state.db)
        .await
        .map_err(AppError::from)?;
    oauth_state::ActiveModel {
        state_hash: Set(sha256_hex(csrf.secret())),
        user_id: Set(user.id),
        provider: Set(provider.slug().to_owned()),
        session_hash: Set(sha256_hex(session_id)),
        pkce_verifier: Set(verifier.secret().clone()),
        nonce: Set(nonce.clone()),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(STATE_TTL_MINUTES)),
    }
    .insert(&state.db)
    .await
    .map_err(AppError::from)?;
    let redirect = redirect_uri(&state.settings.public_url, provider);
    let request = AuthorizeRequest {
        redirect_uri: &redirect,
        state: csrf.secret(),
        pkce_challenge: challenge.as_str(),
        nonce: nonce.as_deref(),
    };
    provider_for(provider)
        .authorize_url(&config, &state.http, &request)
        .await
        .map_err(ConnectFailure::Provider)
}

/// Why a callback's state was refused. All of them get the same 400 page.
#[derive(Debug, PartialEq, Eq)]
pub enum StateProblem {
    /// No `state` parameter.
    Missing,
    /// Never issued, or already used.
    Unknown,
    /// Older than ten minutes.
    Expired,
    /// Issued to another user, session or provider.
    Foreign,
}

/// Takes the flow for `state` out of the database (so it can never be used twice), then checks
/// that it belongs to this user, session and provider and has not expired.
pub async fn take_flow(
    state: &AppState,
    raw_state: Option<&str>,
    user: &user::Model,
    session_id: &str,
    provider: ProviderId,
) -> Result<oauth_state::Model, StateProblem> {
    let raw = raw_state
        .filter(|s| !s.is_empty() && s.len() <= 512)
        .ok_or(StateProblem::Missing)?;
    let hash = sha256_hex(raw);
    let found = oauth_state::Entity::find_by_id(hash.clone())
        .one(&state.db)
        .await
        .ok()
        .flatten()
        .ok_or(StateProblem::Unknown)?;
    // Whoever deletes the row owns the flow: a concurrent replay finds nothing to delete.
    let deleted = oauth_state::Entity::delete_by_id(hash)
        .exec(&state.db)
        .await
        .map_err(|_| StateProblem::Unknown)?;
    if deleted.rows_affected != 1 {
        return Err(StateProblem::Unknown);
    }
    if found.expires_at < Utc::now() {
        return Err(StateProblem::Expired);
    }
    if found.user_id != user.id
        || found.provider != provider.slug()
        || found.session_hash != sha256_hex(session_id)
    {
        return Err(StateProblem::Foreign);
    }
    Ok(found)
}

/// Why finishing a flow failed after the state was accepted.
#[derive(Debug)]
pub enum ConnectFailure {
    /// The provider misbehaved or refused.
    Provider(ProviderError),
    /// The account is linked to another user.
    TakenByAnotherUser,
    /// The provider stopped being offered meanwhile.
    NotOffered,
    /// Our own failure.
    App(AppError),
}

impl From<AppError> for ConnectFailure {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl ConnectFailure {
    /// The `issue` code shown on Settings › Applications (see `page::issue_message`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Provider(err) => err.kind(),
            Self::TakenByAnotherUser => "taken",
            Self::NotOffered => "not_offered",
            Self::App(_) => "failed",
        }
    }
}

/// Exchanges the code, reads the profile and links the account.
pub async fn finish_connect(
    state: &AppState,
    user: &user::Model,
    provider: ProviderId,
    flow: &oauth_state::Model,
    code: &str,
) -> Result<ProviderProfile, ConnectFailure> {
    let config = load_config(state, provider)
        .await?
        .ok_or(ConnectFailure::NotOffered)?;
    let imp = provider_for(provider);
    let redirect = redirect_uri(&state.settings.public_url, provider);
    let tokens = imp
        .exchange_code(&config, &state.http, code, &redirect, &flow.pkce_verifier)
        .await
        .map_err(ConnectFailure::Provider)?;
    let profile = imp
        .fetch_profile(&config, &state.http, &tokens, flow.nonce.as_deref())
        .await
        .map_err(ConnectFailure::Provider)?;
    link_account(state, user, provider, &profile, &tokens).await?;
    Ok(profile)
}

fn token_purpose(provider: ProviderId, kind: &str) -> String {
    format!("{kind}:{}", provider.slug())
}

/// Stores the link (new, or refreshed when it exists) and fills the user's empty profile
/// fields, in one transaction; refuses an account linked to another user.
async fn link_account(
    state: &AppState,
    user: &user::Model,
    provider: ProviderId,
    profile: &ProviderProfile,
    tokens: &TokenSet,
) -> Result<(), ConnectFailure> {
    let txn = state.db.begin().await.map_err(AppError::from)?;
    let owner = connected_account::Entity::find()
        .filter(connected_account::Column::Provider.eq(provider.slug()))
        .filter(connected_account::Column::ProviderUserId.eq(&profile.id))
        .one(&txn)
        .await
        .map_err(AppError::from)?;
    if owner.as_ref().is_some_and(|o| o.user_id != user.id) {
        return Err(ConnectFailure::TakenByAnotherUser);
    }
    let existing = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user.id))
        .filter(connected_account::Column::Provider.eq(provider.slug()))
        .one(&txn)
        .await
        .map_err(AppError::from)?;
    let now = Utc::now();
    let access = state
        .cipher
        .seal(
            tokens.access_token.expose(),
            &token_purpose(provider, "access_token"),
        )
        .map_err(AppError::from)?;
    let refresh = match &tokens.refresh_token {
        Some(t) => Some(
            state
                .cipher
                .seal(t.expose(), &token_purpose(provider, "refresh_token"))
                .map_err(AppError::from)?,
        ),
        None => None,
    };
    let mut row = match existing {
        Some(found) => found.into(),
        None => connected_account::ActiveModel {
            created_at: Set(now),
            user_id: Set(user.id),
            provider: Set(provider.slug().to_owned()),
            ..Default::default()
        },
    };
    row.provider_user_id = Set(profile.id.clone());
    row.username = Set(profile.username.clone());
    row.display_name = Set(profile.display_name.clone());
    row.email = Set(profile.email.clone());
    row.avatar_url = Set(profile.avatar_url.clone());
    row.profile_url = Set(profile.profile_url.clone());
    row.access_token = Set(access);
    row.refresh_token = Set(refresh);
    row.expires_at = Set(tokens
        .expires_in
        .filter(|s| *s > 0)
        .map(|s| now + Duration::seconds(s)));
    row.scopes = Set(tokens.scopes.clone().unwrap_or_default());
    row.updated_at = Set(now);
    row.save(&txn).await.map_err(AppError::from)?;
    fill_empty_profile(&txn, user, profile)
        .await
        .map_err(AppError::from)?;
    txn.commit().await.map_err(AppError::from)?;
    Ok(())
}

/// Fills the user's empty first name, last name and avatar from the provider; never
/// overwrites what the user set (as the original Orga server's `update_user_details` did).
async fn fill_empty_profile(
    txn: &sea_orm::DatabaseTransaction,
    user: &user::Model,
    profile: &ProviderProfile,
) -> Result<(), sea_orm::DbErr> {
    let Some(current) = user::Entity::find_by_id(user.id).one(txn).await? else {
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
    if current
        .avatar_url
        .as_deref()
        .is_none_or(|a| a.trim().is_empty())
        && let Some(avatar) = &profile.avatar_url
    {
        active.avatar_url = Set(Some(avatar.clone()));
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
    user: &user::Model,
) -> Result<Vec<ApplicationCard>, AppError> {
    let links = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user.id))
        .all(&state.db)
        .await?;
    let mut cards = Vec::new();
    for (provider, row) in load_rows(&state.db).await? {
        if !is_offered(&row) {
            continue;
        }
        let connection = links
            .iter()
            .find(|l| l.provider == provider.slug())
            .map(connection_view);
        cards.push(ApplicationCard {
            provider,
            sandbox: is_sandbox(&row, state.settings.sandbox_url.as_ref()),
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
        .filter_map(|l| Some((ProviderId::from_slug(&l.provider)?, connection_view(l))))
        .collect())
}

fn connection_view(link: &connected_account::Model) -> ConnectionView {
    ConnectionView {
        display_name: link.display_name.clone(),
        username: link.username.clone(),
        email: link.email.clone(),
        avatar_url: link.avatar_url.clone(),
        profile_url: link.profile_url.clone(),
        connected_at: link.created_at.to_rfc3339(),
        connected_on: link.created_at.format("%-d %B %Y").to_string(),
    }
}

/// Deletes the user's link to `provider` and its tokens, then asks the provider to revoke the
/// grant. A failed revoke is logged and does not undo the disconnect.
pub async fn disconnect(
    state: &AppState,
    user: &user::Model,
    provider: ProviderId,
) -> Result<(), AppError> {
    let link = connected_account::Entity::find()
        .filter(connected_account::Column::UserId.eq(user.id))
        .filter(connected_account::Column::Provider.eq(provider.slug()))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    connected_account::Entity::delete_by_id(link.id)
        .exec(&state.db)
        .await?;
    tracing::info!(
        user_id = user.id,
        provider = provider.slug(),
        "account disconnected"
    );
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
        .revoke(&config, &state.http, &token)
        .await
    {
        tracing::warn!(provider = provider.slug(), error = %err, "revoke failed; the link is removed anyway");
    }
}
