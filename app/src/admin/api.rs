//! Server functions of Admin › Social apps. Each starts with `require_admin()`.

use leptos::prelude::*;

use super::ProviderSettingsView;
use crate::connections::ProviderId;
use crate::error::AppError;

/// Every provider's settings, for the admin.
#[server(endpoint = "list_provider_settings")]
pub async fn list_provider_settings() -> Result<Vec<ProviderSettingsView>, AppError> {
    crate::error::with_status(
        async move {
            crate::accounts::server::require_admin().await?;
            let state = crate::state::AppState::current()?;
            let rows = super::settings::load_rows(&state.db).await?;
            Ok(rows
                .iter()
                .map(|(provider, row)| {
                    super::settings::admin_view(
                        row,
                        *provider,
                        &state.settings.public_url,
                        state.settings.sandbox_url.as_ref(),
                    )
                })
                .collect())
        }
        .await,
    )
    .await
}

/// Saves one provider's settings. An empty secret keeps the saved one; `enabled` is a checkbox
/// (present when ticked). Returns the provider for the confirmation.
#[server(endpoint = "save_provider_settings")]
#[allow(clippy::too_many_arguments)]
pub async fn save_provider_settings(
    provider: String,
    enabled: Option<String>,
    client_id: String,
    client_secret: Option<String>,
    scopes: String,
    authorize_url: Option<String>,
    token_url: Option<String>,
    profile_url: Option<String>,
    revoke_url: Option<String>,
    graph_version: Option<String>,
    issuer: Option<String>,
) -> Result<ProviderId, AppError> {
    crate::error::with_status(
        async move {
            crate::accounts::server::require_admin().await?;
            let provider = ProviderId::from_slug(&provider).ok_or(AppError::NotFound)?;
            let state = crate::state::AppState::current()?;
            let input = super::settings::SettingsInput {
                enabled: enabled.is_some_and(|v| v != "false" && v != "off"),
                client_id,
                client_secret,
                scopes,
                authorize_url: authorize_url.unwrap_or_default(),
                token_url: token_url.unwrap_or_default(),
                profile_url: profile_url.unwrap_or_default(),
                revoke_url: revoke_url.unwrap_or_default(),
                graph_version: graph_version.unwrap_or_default(),
                issuer: issuer.unwrap_or_default(),
            };
            super::settings::save(&state.db, &state.cipher, provider, input).await?;
            if crate::accounts::server::is_plain_form_post().await {
                leptos_axum::redirect(&format!("/admin/social-apps?saved={}", provider.slug()));
            }
            Ok(provider)
        }
        .await,
    )
    .await
}

/// One provider's settings, for refreshing its card after a save.
#[server(endpoint = "get_provider_settings")]
pub async fn get_provider_settings_for_card(
    provider: String,
) -> Result<ProviderSettingsView, AppError> {
    crate::error::with_status(
        async move {
            crate::accounts::server::require_admin().await?;
            let provider = ProviderId::from_slug(&provider).ok_or(AppError::NotFound)?;
            let state = crate::state::AppState::current()?;
            let row = super::settings::load_row(&state.db, provider).await?;
            Ok(super::settings::admin_view(
                &row,
                provider,
                &state.settings.public_url,
                state.settings.sandbox_url.as_ref(),
            ))
        }
        .await,
    )
    .await
}
