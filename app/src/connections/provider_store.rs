//! Provider settings in the database: each provider's stored row (or the real provider's
//! defaults), its client secret sealed, and the configuration a connect flow runs with.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait};
use url::Url;

use super::providers::{ProviderConfig, defaults};
use super::settings_cache::forget_in_process;
use super::{ProviderId, ProviderSettings};
use crate::crypto::{Binding, SecretCipher};
use crate::db::entities::provider_settings::{self, ActiveModel, Column, Model};
use crate::error::AppError;
use crate::state::{AppState, SiteConfig};

/// What a client secret is sealed under: its provider, as the purpose and as the row (the
/// table's key), so a secret copied into another provider's row does not open.
pub fn secret_binding(provider: ProviderId) -> Binding {
    Binding::new(
        format!("client_secret:{}", provider.slug()),
        format!("provider:{}", provider.slug()),
    )
}

/// Who writes a provider's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// An admin, on Admin › Social apps or with `server provider set`: offered as saved.
    Admin,
    /// Demo mode, pointing at the sandbox: offered only while demo mode runs.
    Demo,
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
        written_by_demo: false,
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

/// Every provider's row (or defaults) as the server keeps them: what pages and flows read
/// (see [`super::settings_cache`]). Admin pages and writes read the table with [`load_rows`].
pub async fn current_rows(state: &AppState) -> Result<Arc<[Model]>, AppError> {
    state.provider_settings.rows(&state.db).await
}

/// `provider`'s row as the server keeps it ([`current_rows`]).
pub async fn current_row(state: &AppState, provider: ProviderId) -> Result<Model, AppError> {
    let rows = current_rows(state).await?;
    Ok(rows
        .iter()
        .find(|row| row.provider == provider)
        .cloned()
        .unwrap_or_else(|| default_row(provider)))
}

/// Whether users are offered the provider: enabled, with a client id and a secret this
/// server can open, and not left over from demo mode (see [`left_by_demo`]).
pub fn is_offered(row: &Model, cipher: &SecretCipher, site: &SiteConfig) -> bool {
    row.enabled
        && !row.client_id.is_empty()
        && !left_by_demo(row, site)
        && row
            .client_secret
            .as_deref()
            .is_some_and(|sealed| cipher.open(sealed, &secret_binding(row.provider)).is_ok())
}

/// Whether a client secret is saved that this server cannot open (`SECRET_KEY` changed without
/// the old key in `SECRET_KEY_OLD`, or a value copied from elsewhere): the admin must enter it
/// again, and meanwhile the provider is not offered.
pub fn secret_unreadable(row: &Model, cipher: &SecretCipher) -> bool {
    row.client_secret
        .as_deref()
        .is_some_and(|sealed| cipher.open(sealed, &secret_binding(row.provider)).is_err())
}

/// Whether demo mode wrote these settings (they point at the sandbox) and the server now runs
/// without it: a production server must not send its users to a sandbox.
pub fn left_by_demo(row: &Model, site: &SiteConfig) -> bool {
    row.written_by_demo && !site.demo_mode
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
    let row = current_row(state, provider).await?;
    if !is_offered(&row, &state.cipher, &state.site) {
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
    let row = current_row(state, provider).await?;
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
    let client_secret = state.cipher.open(sealed, &secret_binding(provider))?;
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
    let row = current_row(state, provider).await?;
    let Some(sealed) = row.client_secret.as_ref() else {
        return Ok(None);
    };
    Ok(Some(state.cipher.open(sealed, &secret_binding(provider))?))
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
/// upsert: `current` already tells the stored secret, so the row is not read again. An
/// admin's save clears the mark of demo mode.
pub async fn store_row(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    current: &Model,
    new: NewProviderRow,
    author: Author,
) -> Result<Model, AppError> {
    let provider = current.provider;
    let client_secret = match new.client_secret {
        Some(plain) => Some(cipher.seal(&plain, &secret_binding(provider))?),
        None => current.client_secret.clone(),
    };
    let saved = Model {
        provider,
        enabled: new.enabled,
        client_id: new.client_id,
        client_secret,
        settings: new.settings,
        updated_at: Utc::now(),
        written_by_demo: author == Author::Demo,
    };
    let columns = [
        Column::Enabled,
        Column::ClientId,
        Column::ClientSecret,
        Column::Settings,
        Column::UpdatedAt,
        Column::WrittenByDemo,
    ];
    provider_settings::Entity::insert(ActiveModel::from(saved.clone()))
        .on_conflict(
            OnConflict::column(Column::Provider)
                .update_columns(columns)
                .to_owned(),
        )
        .exec(db)
        .await?;
    forget_in_process();
    tracing::info!(
        provider = provider.slug(),
        enabled = saved.enabled,
        by_demo = saved.written_by_demo,
        "provider settings saved"
    );
    Ok(saved)
}
