//! Provider settings on the server: reading them (with defaults), checking an admin's input,
//! sealing the secret, and the configuration a connect flow runs with.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use url::Url;

use super::ProviderSettingsView;
use crate::connections::ProviderId;
use crate::connections::providers::{ProviderConfig, provider_for};
use crate::crypto::SecretCipher;
use crate::db::entities::provider_settings::{self, Model};
use crate::error::AppError;
use crate::state::AppState;

/// What an admin (or the CLI) submits for one provider. Empty strings mean "not set"; an empty
/// or absent secret keeps the saved one.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    /// Offer the provider to users.
    pub enabled: bool,
    /// Client id.
    pub client_id: String,
    /// New client secret; `None` or empty keeps the current one.
    pub client_secret: Option<String>,
    /// Scopes.
    pub scopes: String,
    /// Authorization endpoint.
    pub authorize_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// Profile endpoint.
    pub profile_url: String,
    /// Revocation endpoint (empty: none).
    pub revoke_url: String,
    /// Graph API version (Facebook, Instagram).
    pub graph_version: String,
    /// OpenID Connect issuer (Google).
    pub issuer: String,
}

impl SettingsInput {
    /// The stored settings as input, keeping the saved secret: change a field, then `save`.
    pub fn from_row(row: &Model) -> Self {
        Self {
            enabled: row.enabled,
            client_id: row.client_id.clone(),
            client_secret: None,
            scopes: row.scopes.clone(),
            authorize_url: row.authorize_url.clone(),
            token_url: row.token_url.clone(),
            profile_url: row.profile_url.clone(),
            revoke_url: row.revoke_url.clone().unwrap_or_default(),
            graph_version: row.graph_version.clone().unwrap_or_default(),
            issuer: row.issuer.clone().unwrap_or_default(),
        }
    }
}

/// The purpose a client secret is sealed under (see `SecretCipher::seal`).
fn secret_purpose(provider: ProviderId) -> String {
    format!("client_secret:{}", provider.slug())
}

/// The real provider's defaults, with no credentials: what a provider is before it is saved.
fn default_row(provider: ProviderId) -> Model {
    let d = provider_for(provider).defaults();
    Model {
        provider: provider.slug().to_owned(),
        enabled: false,
        client_id: String::new(),
        client_secret: None,
        scopes: d.scopes.to_owned(),
        authorize_url: d.authorize_url.to_owned(),
        token_url: d.token_url.to_owned(),
        profile_url: d.profile_url.to_owned(),
        revoke_url: d.revoke_url.map(str::to_owned),
        graph_version: d.graph_version.map(str::to_owned),
        issuer: d.issuer.map(str::to_owned),
        updated_at: Utc::now(),
    }
}

/// The stored row, or the real provider's defaults with no credentials.
pub async fn load_row(db: &DatabaseConnection, provider: ProviderId) -> Result<Model, AppError> {
    let stored = provider_settings::Entity::find_by_id(provider.slug())
        .one(db)
        .await?;
    Ok(stored.unwrap_or_else(|| default_row(provider)))
}

/// Every provider's row (or defaults), in display order, read with one query.
pub async fn load_rows(db: &DatabaseConnection) -> Result<Vec<(ProviderId, Model)>, AppError> {
    let mut stored = provider_settings::Entity::find().all(db).await?;
    Ok(ProviderId::ALL
        .into_iter()
        .map(|provider| {
            let row = match stored.iter().position(|r| r.provider == provider.slug()) {
                Some(at) => stored.swap_remove(at),
                None => default_row(provider),
            };
            (provider, row)
        })
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
    [Some(&row.authorize_url), row.issuer.as_ref()]
        .into_iter()
        .flatten()
        .any(|u| u.starts_with(base))
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
    let Some(sealed) = &row.client_secret else {
        return Ok(None);
    };
    let client_secret = state.cipher.open(sealed, &secret_purpose(provider))?;
    Ok(Some(ProviderConfig {
        provider,
        client_id: row.client_id,
        client_secret,
        scopes: row.scopes,
        authorize_url: row.authorize_url,
        token_url: row.token_url,
        profile_url: row.profile_url,
        revoke_url: row.revoke_url,
        graph_version: row.graph_version,
        issuer: row.issuer,
    }))
}

/// The admin's view of a row: everything but the secret, which is only said to be set.
pub fn admin_view(
    row: &Model,
    provider: ProviderId,
    public_url: &Url,
    sandbox_url: Option<&Url>,
) -> ProviderSettingsView {
    ProviderSettingsView {
        provider,
        enabled: row.enabled,
        client_id: row.client_id.clone(),
        secret_set: row.client_secret.is_some(),
        scopes: row.scopes.clone(),
        authorize_url: row.authorize_url.clone(),
        token_url: row.token_url.clone(),
        profile_url: row.profile_url.clone(),
        revoke_url: row.revoke_url.clone().unwrap_or_default(),
        graph_version: row.graph_version.clone().unwrap_or_default(),
        issuer: row.issuer.clone().unwrap_or_default(),
        redirect_uri: redirect_uri(public_url, provider),
        offered: is_offered(row),
        sandbox: is_sandbox(row, sandbox_url),
    }
}

/// `{PUBLIC_URL}/auth/{provider}/callback`: the one redirect URI to register at the provider.
pub fn redirect_uri(public_url: &Url, provider: ProviderId) -> String {
    format!(
        "{}/auth/{}/callback",
        public_url.as_str().trim_end_matches('/'),
        provider.slug()
    )
}

/// Checks `input` and stores it; nothing is written when anything is wrong.
pub async fn save(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    provider: ProviderId,
    input: SettingsInput,
) -> Result<Model, AppError> {
    let stored = provider_settings::Entity::find_by_id(provider.slug())
        .one(db)
        .await?;
    let exists = stored.is_some();
    let current = stored.unwrap_or_else(|| default_row(provider));
    let valid = super::validate::check(provider, &input)?;
    let secret = match input
        .client_secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(new) => Some(cipher.seal(new, &secret_purpose(provider))?),
        None => current.client_secret.clone(),
    };
    if valid.enabled && (valid.client_id.is_empty() || secret.is_none()) {
        return Err(AppError::invalid(
            "enabled",
            format!(
                "Enter the {} client id and secret before offering it to users.",
                provider.label()
            ),
        ));
    }
    let row = provider_settings::ActiveModel {
        provider: Set(provider.slug().to_owned()),
        enabled: Set(valid.enabled),
        client_id: Set(valid.client_id),
        client_secret: Set(secret),
        scopes: Set(valid.scopes),
        authorize_url: Set(valid.authorize_url),
        token_url: Set(valid.token_url),
        profile_url: Set(valid.profile_url),
        revoke_url: Set(valid.revoke_url),
        graph_version: Set(valid.graph_version),
        issuer: Set(valid.issuer),
        updated_at: Set(Utc::now()),
    };
    let saved = if exists {
        row.update(db).await?
    } else {
        row.insert(db).await?
    };
    tracing::info!(
        provider = provider.slug(),
        enabled = saved.enabled,
        "provider settings saved"
    );
    Ok(saved)
}
