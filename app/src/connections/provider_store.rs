//! Provider settings in the database: each provider's stored row (or the real provider's
//! defaults), its client secret sealed, and the configuration a connect flow runs with.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait};
use url::Url;

use super::providers::{ProviderConfig, defaults};
use super::{ProviderId, ProviderSettings};
use crate::crypto::SecretCipher;
use crate::db::entities::provider_settings::{self, ActiveModel, Column, Model};
use crate::error::AppError;
use crate::state::AppState;

/// The purpose a client secret is sealed under (see `SecretCipher::seal`).
fn secret_purpose(provider: ProviderId) -> String {
    format!("client_secret:{}", provider.slug())
}

/// The real provider's defaults, with no credentials: what a provider is before it is saved.
fn default_row(provider: ProviderId) -> Model {
    Model {
        provider,
        enabled: false,
        client_id: String::new(),
        client_secret: None,
        settings: defaults(provider),
        updated_at: Utc::now(),
    }
}

/// The stored row, or the real provider's defaults with no credentials.
pub async fn load_row(db: &DatabaseConnection, provider: ProviderId) -> Result<Model, AppError> {
    let stored = provider_settings::Entity::find_by_id(provider)
        .one(db)
        .await?;
    Ok(stored.unwrap_or_else(|| default_row(provider)))
}

/// Every provider's row (or defaults), in display order, read with one query.
pub async fn load_rows(db: &DatabaseConnection) -> Result<Vec<Model>, AppError> {
    let mut stored = provider_settings::Entity::find().all(db).await?;
    Ok(ProviderId::ALL
        .into_iter()
        .map(
            |provider| match stored.iter().position(|r| r.provider == provider) {
                Some(at) => stored.swap_remove(at),
                None => default_row(provider),
            },
        )
        .collect())
}

/// Whether users are offered the provider: enabled, with a client id and a secret.
pub fn is_offered(row: &Model) -> bool {
    row.enabled && !row.client_id.is_empty() && row.client_secret.is_some()
}

/// Whether the row points at the built-in sandbox instead of the real provider.
pub fn is_sandbox(row: &Model, sandbox_url: Option<&Url>) -> bool {
    let Some(base) = sandbox_url else {
        return false;
    };
    let base = base.as_str().trim_end_matches('/');
    [&row.settings.authorize_url, &row.settings.issuer]
        .into_iter()
        .any(|u| !u.is_empty() && u.starts_with(base))
}

/// `{PUBLIC_URL}/auth/{provider}/callback`: the one redirect URI to register at the provider.
pub fn redirect_uri(public_url: &Url, provider: ProviderId) -> String {
    format!(
        "{}/auth/{}/callback",
        public_url.as_str().trim_end_matches('/'),
        provider.slug()
    )
}

/// The configuration a connect flow runs with, or `None` when the provider is not offered.
pub async fn load_config(
    state: &AppState,
    provider: ProviderId,
) -> Result<Option<ProviderConfig>, AppError> {
    let row = load_row(&state.db, provider).await?;
    if !is_offered(&row) {
        return Ok(None);
    }
    config_of(state, row)
}

/// The provider's app, offered or not, if its credentials are saved: a link made while it was
/// offered is still revoked at the provider when it is disconnected afterwards.
pub async fn load_app_credentials(
    state: &AppState,
    provider: ProviderId,
) -> Result<Option<ProviderConfig>, AppError> {
    let row = load_row(&state.db, provider).await?;
    if row.client_id.is_empty() {
        return Ok(None);
    }
    config_of(state, row)
}

fn config_of(state: &AppState, row: Model) -> Result<Option<ProviderConfig>, AppError> {
    let provider = row.provider;
    let Some(sealed) = row.client_secret.as_ref() else {
        return Ok(None);
    };
    let client_secret = state.cipher.open(sealed, &secret_purpose(provider))?;
    Ok(Some(ProviderConfig {
        provider,
        client_id: row.client_id,
        client_secret,
        settings: row.settings,
    }))
}

/// The stored client secret in clear, whether or not the provider is offered: Meta's
/// callbacks about links made earlier still arrive after an admin stops offering it.
pub async fn load_client_secret(
    state: &AppState,
    provider: ProviderId,
) -> Result<Option<crate::crypto::Secret>, AppError> {
    let row = load_row(&state.db, provider).await?;
    let Some(sealed) = row.client_secret.as_ref() else {
        return Ok(None);
    };
    Ok(Some(state.cipher.open(sealed, &secret_purpose(provider))?))
}

/// What replaces a provider's stored row; already checked by the caller.
#[derive(Debug, Clone)]
pub struct NewProviderRow {
    /// Offer the provider to users.
    pub enabled: bool,
    /// The app's client id.
    pub client_id: String,
    /// A new client secret, in clear; `None` keeps the stored one.
    pub client_secret: Option<String>,
    /// Scopes and endpoints.
    pub settings: ProviderSettings,
}

/// Stores `new` as `provider`'s row (sealing a new secret), returning what was stored. One
/// upsert: `current` already tells the stored secret, so the row is not read again.
pub async fn store_row(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    provider: ProviderId,
    current: &Model,
    new: NewProviderRow,
) -> Result<Model, AppError> {
    let client_secret = match new.client_secret {
        Some(plain) => Some(cipher.seal(&plain, &secret_purpose(provider))?),
        None => current.client_secret.clone(),
    };
    let saved = Model {
        provider,
        enabled: new.enabled,
        client_id: new.client_id,
        client_secret,
        settings: new.settings,
        updated_at: Utc::now(),
    };
    let columns = [
        Column::Enabled,
        Column::ClientId,
        Column::ClientSecret,
        Column::Settings,
        Column::UpdatedAt,
    ];
    provider_settings::Entity::insert(ActiveModel::from(saved.clone()))
        .on_conflict(
            OnConflict::column(Column::Provider)
                .update_columns(columns)
                .to_owned(),
        )
        .exec(db)
        .await?;
    tracing::info!(
        provider = provider.slug(),
        enabled = saved.enabled,
        "provider settings saved"
    );
    Ok(saved)
}
