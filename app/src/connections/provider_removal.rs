//! Provider-initiated removal: Meta's deauthorize and data-deletion callbacks for Facebook and
//! Instagram. <https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow#deauth-callback>,
//! <https://developers.facebook.com/docs/development/create-an-app/app-dashboard/data-deletion-callback>
//!
//! Both are authenticated by the `signed_request` alone (see `signed_request`), checked with
//! the provider's stored client secret before anything is read or written. A deauthorize turns
//! the link into a tombstone (status `removed`, no tokens, no profile data) so its card can say
//! what happened; a data deletion removes the link and leaves only an anonymous receipt.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set,
};
use url::Url;

use super::ProviderId;
use super::provider_store::load_client_secret;
use super::signed_request::{SignedRequest, SignedRequestError, verify_signed_request};
use crate::catalog::LinkStatus;
use crate::db::entities::{connected_account, data_deletion, user};
use crate::error::AppError;
use crate::state::AppState;

/// Whether `provider` sends Meta's deauthorize and data-deletion callbacks.
pub fn sends_removal_callbacks(provider: ProviderId) -> bool {
    matches!(provider, ProviderId::Facebook | ProviderId::Instagram)
}

/// `{PUBLIC_URL}/auth/{provider}/deauthorize`: the "Deauthorize callback URL" to register.
pub fn deauthorize_url(public_url: &Url, provider: ProviderId) -> String {
    format!("{}/auth/{}/deauthorize", base(public_url), provider.slug())
}

/// `{PUBLIC_URL}/auth/{provider}/data-deletion`: the "Data deletion request URL" to register.
pub fn data_deletion_url(public_url: &Url, provider: ProviderId) -> String {
    format!(
        "{}/auth/{}/data-deletion",
        base(public_url),
        provider.slug()
    )
}

/// `{PUBLIC_URL}/connect/deletion/{code}`: where a person reads what became of their request.
pub fn deletion_status_url(public_url: &Url, code: &str) -> String {
    format!("{}/connect/deletion/{code}", base(public_url))
}

fn base(public_url: &Url) -> &str {
    public_url.as_str().trim_end_matches('/')
}

/// Why a callback was refused; nothing was changed.
#[derive(Debug)]
pub enum RemovalError {
    /// The provider sends no such callbacks (X, Google).
    NotMeta,
    /// No client secret is stored, so nothing can be verified.
    NotConfigured,
    /// The `signed_request` is missing or does not verify.
    Refused(SignedRequestError),
    /// Our own failure.
    App(AppError),
}

impl From<AppError> for RemovalError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl From<sea_orm::DbErr> for RemovalError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::App(err.into())
    }
}

impl RemovalError {
    /// The error the callback is answered with (404, 400, or 500), in few words.
    pub fn as_error(&self) -> AppError {
        match self {
            Self::NotMeta => AppError::NotFound,
            Self::NotConfigured => {
                AppError::BadRequest("This provider is not configured.".to_owned())
            }
            Self::Refused(why) => AppError::BadRequest(format!("Refused: {why}.")),
            Self::App(err) => err.clone(),
        }
    }
}

/// What a data-deletion callback answers: Meta shows the URL and the code to the person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeletionReceipt {
    /// Where the status of the request can be read.
    pub url: String,
    /// The code identifying the request.
    pub confirmation_code: String,
}

/// Verifies a callback's `signed_request` for `provider` with its stored client secret.
pub async fn verify_callback(
    state: &AppState,
    provider: ProviderId,
    signed_request: Option<&str>,
) -> Result<SignedRequest, RemovalError> {
    if !sends_removal_callbacks(provider) {
        return Err(RemovalError::NotMeta);
    }
    let raw = signed_request
        .filter(|raw| !raw.is_empty())
        .ok_or(RemovalError::Refused(SignedRequestError::Malformed))?;
    let secret = load_client_secret(state, provider)
        .await?
        .ok_or(RemovalError::NotConfigured)?;
    verify_signed_request(raw, secret.expose()).map_err(RemovalError::Refused)
}

/// Deauthorize: the link of `provider_user_id` becomes a tombstone, in one transaction.
/// Returns whether a link was changed; an unknown or already removed account changes nothing
/// (Meta retries).
pub async fn mark_removed_by_provider(
    state: &AppState,
    provider: ProviderId,
    provider_user_id: &str,
) -> Result<bool, RemovalError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let Some(link) = find_link(&txn, provider, provider_user_id).await? else {
        return Ok(false);
    };
    if link.status == LinkStatus::Removed {
        return Ok(false);
    }
    let now = Utc::now();
    let mut row: connected_account::ActiveModel = link.clone().into();
    row.status = Set(LinkStatus::Removed);
    row.status_reason = Set(None);
    row.status_changed_at = Set(Some(now));
    row.access_token = Set(String::new());
    row.refresh_token = Set(None);
    row.expires_at = Set(None);
    row.tokens_issued_at = Set(None);
    row.token_version = Set(link.token_version + 1);
    row.claim_token = Set(None);
    row.claim_until = Set(None);
    row.due_at = Set(None);
    row.username = Set(None);
    row.display_name = Set(None);
    row.email = Set(None);
    row.avatar_url = Set(None);
    row.profile_url = Set(None);
    row.avatar_hash = Set(None);
    row.updated_at = Set(now);
    row.update(&txn).await?;
    release_picture(&txn, &link).await?;
    txn.commit().await?;
    tracing::info!(
        user_id = link.user_id,
        provider = provider.slug(),
        "link removed at the provider's request"
    );
    Ok(true)
}

/// Data deletion: deletes the link of `provider_user_id` (if any) and its picture, and records
/// an anonymous receipt, in one transaction. The request is acknowledged either way.
pub async fn delete_provider_data(
    state: &AppState,
    provider: ProviderId,
    provider_user_id: &str,
) -> Result<DeletionReceipt, RemovalError> {
    let code = confirmation_code();
    let now = Utc::now();
    let txn = crate::db::begin_write(&state.db).await?;
    if let Some(link) = find_link(&txn, provider, provider_user_id).await? {
        connected_account::Entity::delete_by_id(link.id)
            .exec(&txn)
            .await?;
        release_picture(&txn, &link).await?;
        tracing::info!(
            user_id = link.user_id,
            provider = provider.slug(),
            "link deleted at the provider's request"
        );
    }
    data_deletion::ActiveModel {
        confirmation_code: Set(code.clone()),
        provider: Set(provider),
        requested_at: Set(now),
        completed_at: Set(Some(now)),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(DeletionReceipt {
        url: deletion_status_url(&state.site.public_url, &code),
        confirmation_code: code,
    })
}

/// The receipt of a data-deletion request, by its code.
pub async fn find_data_deletion(
    db: &DatabaseConnection,
    code: &str,
) -> Result<Option<data_deletion::Model>, AppError> {
    if code.is_empty() || code.len() > 64 {
        return Ok(None);
    }
    Ok(data_deletion::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?)
}

/// 192 random bits, base64url: unguessable, since the code is all a status page asks for.
fn confirmation_code() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn find_link(
    txn: &DatabaseTransaction,
    provider: ProviderId,
    provider_user_id: &str,
) -> Result<Option<connected_account::Model>, sea_orm::DbErr> {
    connected_account::Entity::find()
        .filter(connected_account::Column::Provider.eq(provider))
        .filter(connected_account::Column::ProviderUserId.eq(provider_user_id))
        .one(txn)
        .await
}

/// After `link` lost its picture: the user's profile picture goes if it was that one (our
/// copy, or the provider's URL it was filled from), and our copy goes once nothing uses it.
async fn release_picture(
    txn: &DatabaseTransaction,
    link: &connected_account::Model,
) -> Result<(), sea_orm::DbErr> {
    let owned = link
        .avatar_hash
        .as_ref()
        .map(|hash| format!("/avatars/{hash}"));
    if let Some(owner) = user::Entity::find_by_id(link.user_id).one(txn).await?
        && let Some(current) = owner.avatar_url.clone()
        && (Some(&current) == owned.as_ref() || Some(&current) == link.avatar_url.as_ref())
    {
        let mut active: user::ActiveModel = owner.into();
        active.avatar_url = Set(None);
        active.updated_at = Set(Utc::now());
        active.update(txn).await?;
    }
    let hashes: Vec<String> = link.avatar_hash.iter().cloned().collect();
    super::avatars::delete_unused(txn, &hashes).await
}
