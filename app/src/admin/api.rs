//! Server functions of Admin › Social apps. Each starts with `require_admin()`.

use leptos::prelude::*;

use super::{ProviderSettingsInput, ProviderSettingsView};
use crate::connections::ProviderId;
use crate::error::AppError;

/// Every provider's settings, for the admin, with how many users connected each.
#[server(endpoint = "list_provider_settings")]
pub async fn list_provider_settings() -> Result<Vec<ProviderSettingsView>, AppError> {
    crate::accounts::session::require_admin().await?;
    let state = crate::state::AppState::current()?;
    let rows = crate::connections::provider_store::load_rows(&state.db).await?;
    let users = super::usage::connected_users_by_provider(&state.db).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let count = users.get(&row.provider).copied().unwrap_or(0);
            super::configure::admin_view(row, &state.cipher, &state.site, count)
        })
        .collect())
}

/// Saves one provider's settings. An empty secret keeps the saved one; turning off a provider
/// that users have connected needs `confirm_disable`. Returns the provider for the
/// confirmation.
#[server(endpoint = "save_provider_settings")]
pub async fn save_provider_settings(input: ProviderSettingsInput) -> Result<ProviderId, AppError> {
    crate::accounts::session::require_admin().await?;
    let state = crate::state::AppState::current()?;
    super::configure::configure_provider_checked(&state.db, &state.cipher, &state.http, &input)
        .await?;
    Ok(input.provider)
}

/// One provider's settings, for refreshing its card after a save.
#[server(endpoint = "get_provider_settings")]
pub async fn get_provider_settings(provider: ProviderId) -> Result<ProviderSettingsView, AppError> {
    crate::accounts::session::require_admin().await?;
    let state = crate::state::AppState::current()?;
    let row = crate::connections::provider_store::load_row(&state.db, provider).await?;
    let users = super::usage::connected_users(&state.db, provider).await?;
    Ok(super::configure::admin_view(
        &row,
        &state.cipher,
        &state.site,
        users,
    ))
}
