//! The connect flow on the server: starting it (single-use state, PKCE, nonce) and finishing
//! it (state checks, code exchange, profile, then the link).

use chrono::{Duration, Utc};
use oauth2::{CsrfToken, PkceCodeChallenge};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::ProviderId;
use super::avatars::store_link_picture;
use super::failure::ConnectFailure;
use super::links::{link_account, revoke_quietly, revoke_replaced};
use super::provider_store::{load_config, redirect_uri};
use super::providers::{
    AuthorizeRequest, Call, CodeGrant, ProviderProfile, StoredTokens, provider_for,
};
use crate::crypto::sha256_hex;
use crate::db::entities::oauth_state;
use crate::error::AppError;
use crate::state::AppState;

/// How long a started flow may take to come back.
pub const STATE_TTL_MINUTES: i64 = 10;
/// Most flows a user may have pending: starting one more drops the oldest, so that a script
/// clicking Connect cannot fill the table, while a person with a few tabs open is not hurt.
pub const MAX_PENDING_FLOWS: u64 = 5;

/// Starts connecting `provider` for the user `user_id` in the session `session_id`: stores the
/// flow and returns the provider's authorization URL.
pub async fn start_connect(
    state: &AppState,
    user_id: i64,
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
    let flow = oauth_state::ActiveModel {
        state_hash: Set(sha256_hex(csrf.secret())),
        user_id: Set(user_id),
        provider: Set(provider),
        session_hash: Set(sha256_hex(session_id)),
        pkce_verifier: Set(verifier.secret().clone()),
        nonce: Set(nonce.clone()),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(STATE_TTL_MINUTES)),
    };
    store_flow(state, user_id, flow).await?;
    let redirect = redirect_uri(&state.site.public_url, provider);
    let request = AuthorizeRequest {
        redirect_uri: &redirect,
        state: csrf.secret(),
        pkce_challenge: challenge.as_str(),
        nonce: nonce.as_deref(),
    };
    provider_for(provider)
        .authorize_url(Call::new(&config, &state.http), &request)
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

/// Takes the flow for `state` out of the database (so it can never be used twice), once it is
/// known to belong to this user, session and provider and to be fresh. Someone else's flow (a
/// leaked state) is refused without being touched, so its owner can still finish it; an
/// expired one is deleted, whoever presents it.
pub async fn take_flow(
    state: &AppState,
    raw_state: Option<&str>,
    user_id: i64,
    session_id: &str,
    provider: ProviderId,
) -> Result<oauth_state::Model, StateProblem> {
    let raw = raw_state
        .filter(|s| !s.is_empty() && s.len() <= 512)
        .ok_or(StateProblem::Missing)?;
    let hash = sha256_hex(raw);
    let session_hash = sha256_hex(session_id);
    let found = oauth_state::Entity::find_by_id(hash.clone())
        .one(&state.db)
        .await
        .ok()
        .flatten()
        .ok_or(StateProblem::Unknown)?;
    if found.expires_at < Utc::now() {
        let _ = oauth_state::Entity::delete_by_id(hash)
            .exec(&state.db)
            .await;
        return Err(StateProblem::Expired);
    }
    if found.user_id != user_id || found.provider != provider || found.session_hash != session_hash
    {
        return Err(StateProblem::Foreign);
    }
    // Whoever deletes the row owns the flow: a concurrent replay finds nothing to delete. The
    // owner's conditions are repeated, so that only the owner's delete can consume it.
    let deleted = oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::StateHash.eq(hash))
        .filter(oauth_state::Column::UserId.eq(user_id))
        .filter(oauth_state::Column::SessionHash.eq(session_hash))
        .filter(oauth_state::Column::Provider.eq(provider))
        .exec(&state.db)
        .await
        .map_err(|_| StateProblem::Unknown)?;
    if deleted.rows_affected != 1 {
        return Err(StateProblem::Unknown);
    }
    Ok(found)
}

/// Stores a new flow and drops the user's oldest beyond [`MAX_PENDING_FLOWS`], in one
/// transaction (on SQLite, concurrent starts take turns; on PostgreSQL each start trims to
/// the newest five it sees, so a race leaves at most one extra until the next start).
async fn store_flow(
    state: &AppState,
    user_id: i64,
    flow: oauth_state::ActiveModel,
) -> Result<(), AppError> {
    let txn = crate::db::begin_write(&state.db).await?;
    flow.insert(&txn).await?;
    // One statement: the newest five are chosen by a subquery, not read back first.
    let newest = sea_orm::sea_query::Query::select()
        .column(oauth_state::Column::StateHash)
        .from(oauth_state::Entity)
        .and_where(oauth_state::Column::UserId.eq(user_id))
        .order_by(oauth_state::Column::CreatedAt, sea_orm::Order::Desc)
        .order_by(oauth_state::Column::StateHash, sea_orm::Order::Desc)
        .limit(MAX_PENDING_FLOWS)
        .to_owned();
    let dropped = oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::UserId.eq(user_id))
        .filter(oauth_state::Column::StateHash.not_in_subquery(newest))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    if dropped.rows_affected > 0 {
        tracing::info!(
            user_id,
            dropped = dropped.rows_affected,
            "oldest pending flows dropped"
        );
    }
    Ok(())
}

/// Deletes the flows expired at `now` (the clean-up job): an abandoned flow is no use to
/// anyone, and its PKCE verifier should not outlive it.
pub async fn purge_expired_flows(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<Utc>,
) -> Result<u64, AppError> {
    let deleted = oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Checks the `iss` of the provider's answer before anything of it is used (RFC 9207): a
/// `ConnectFailure::Provider(ProviderError::Issuer(_))` when it is missing or another issuer's.
pub async fn check_response_issuer(
    state: &AppState,
    provider: ProviderId,
    iss: Option<&str>,
) -> Result<(), ConnectFailure> {
    let config = load_config(state, provider)
        .await?
        .ok_or(ConnectFailure::NotOffered)?;
    provider_for(provider)
        .check_response_issuer(Call::new(&config, &state.http), iss)
        .await
        .map_err(ConnectFailure::Provider)
}

/// A finished connect: the provider's profile, and the user's empty profile fields it filled.
#[derive(Debug)]
pub struct Connected {
    /// What the provider said about the person.
    pub profile: ProviderProfile,
    /// "name" and/or "picture", for the message that says what changed on the profile.
    pub filled: Vec<String>,
}

/// Exchanges the code, reads the profile, links the account and stores our copy of its picture.
pub async fn finish_connect(
    state: &AppState,
    user_id: i64,
    provider: ProviderId,
    flow: &oauth_state::Model,
    code: &str,
) -> Result<Connected, ConnectFailure> {
    let config = load_config(state, provider)
        .await?
        .ok_or(ConnectFailure::NotOffered)?;
    let imp = provider_for(provider);
    let redirect = redirect_uri(&state.site.public_url, provider);
    let call = Call::new(&config, &state.http);
    let grant = CodeGrant {
        code,
        redirect_uri: &redirect,
        pkce_verifier: &flow.pkce_verifier,
    };
    let tokens = imp
        .exchange_code(call, grant)
        .await
        .map_err(ConnectFailure::Provider)?;
    let linked = match imp
        .fetch_profile(call, &tokens, flow.nonce.as_deref())
        .await
        .map(ProviderProfile::sanitized)
    {
        Ok(profile) => link_account(state, user_id, provider, &profile, &tokens)
            .await
            .map(|linked| (profile, linked)),
        Err(err) => Err(ConnectFailure::Provider(err)),
    };
    match linked {
        Ok((profile, linked)) => {
            // The link is committed: a picture that cannot be fetched leaves initials (logged
            // there) and the health job retries; it never fails the connect.
            let picture = store_link_picture(state, linked.id).await.ok().flatten();
            if let Some(replaced) = linked.replaced {
                in_background(state, move |state| async move {
                    revoke_replaced(&state, provider, replaced).await;
                });
            }
            let filled = [
                ("name", linked.filled_name),
                ("picture", picture.is_some_and(|p| p.filled_user)),
            ]
            .into_iter()
            .filter(|(_, filled)| *filled)
            .map(|(field, _)| field.to_owned())
            .collect();
            Ok(Connected { profile, filled })
        }
        Err(failure) => {
            // The grant exists at the provider but the app keeps nothing of it: end it.
            let orphan = StoredTokens {
                access_token: tokens.access_token,
                refresh_token: tokens.refresh_token,
            };
            in_background(state, move |state| async move {
                revoke_quietly(&state, provider, &orphan, "me").await;
            });
            Err(failure)
        }
    }
}

/// Runs provider clean-up after the answer to the person is on its way.
fn in_background<F, Fut>(state: &AppState, work: F)
where
    F: FnOnce(AppState) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let state = state.clone();
    tokio::spawn(work(state));
}
