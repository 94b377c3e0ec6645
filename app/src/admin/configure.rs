//! Registering a provider: an admin's (or the CLI's) input checked, then stored; and the
//! admin's view of what is stored.

use sea_orm::DatabaseConnection;

use super::validate::check;
use super::{MetaCallbackUrls, ProviderSettingsInput, ProviderSettingsView};
use crate::connections::provider_removal::{
    data_deletion_url, deauthorize_url, sends_removal_callbacks,
};
use crate::connections::provider_store::{self, is_offered, is_sandbox, redirect_uri};
use crate::crypto::SecretCipher;
use crate::db::entities::provider_settings::Model;
use crate::error::AppError;
use crate::state::SiteConfig;

/// Checks `input` against the stored row and stores it; nothing is written when anything is
/// wrong.
pub async fn configure_provider(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    input: &ProviderSettingsInput,
) -> Result<Model, AppError> {
    let current = provider_store::load_row(db, input.provider).await?;
    let new = check(input, current.client_secret.is_some())?;
    provider_store::store_row(db, cipher, input.provider, &current, new).await
}

/// The stored row as input, keeping the saved secret: change a field, then configure.
pub fn input_from_row(row: &Model) -> ProviderSettingsInput {
    ProviderSettingsInput {
        provider: row.provider,
        enabled: row.enabled,
        client_id: row.client_id.clone(),
        client_secret: None,
        settings: row.settings.clone(),
    }
}

/// The admin's view of a row: everything but the secret, which is only said to be set.
pub fn admin_view(row: &Model, site: &SiteConfig) -> ProviderSettingsView {
    ProviderSettingsView {
        provider: row.provider,
        enabled: row.enabled,
        client_id: row.client_id.clone(),
        secret_set: row.client_secret.is_some(),
        settings: row.settings.clone(),
        redirect_uri: redirect_uri(&site.public_url, row.provider),
        meta_callbacks: sends_removal_callbacks(row.provider).then(|| MetaCallbackUrls {
            deauthorize: deauthorize_url(&site.public_url, row.provider),
            data_deletion: data_deletion_url(&site.public_url, row.provider),
        }),
        offered: is_offered(row),
        sandbox: is_sandbox(row, site.sandbox_url.as_ref()),
    }
}
