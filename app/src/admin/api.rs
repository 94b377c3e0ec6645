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
            super::configure::admin_view(row, &state.site, count)
        })
        .collect())
}

/// Saves one provider's settings. An empty secret keeps the saved one; turning off a provider
/// that users have connected needs `confirm_disable`. Returns the provider for the
/// confirmation; a plain form post (no JavaScript) is sent back to the page, its error to the
/// card it came from.
#[server(endpoint = "save_provider_settings")]
pub async fn save_provider_settings(input: ProviderSettingsInput) -> Result<ProviderId, AppError> {
    crate::accounts::session::require_admin().await?;
    let state = crate::state::AppState::current()?;
    let saved = super::configure::configure_provider(&state.db, &state.cipher, &input).await;
    if crate::request::is_plain_form_post() {
        let slug = input.provider.slug();
        match &saved {
            Ok(_) => leptos_axum::redirect(&format!("/admin/social-apps?saved={slug}")),
            Err(err) => leptos_axum::redirect(&back_to_card(&state.site, input.provider, err)),
        }
    }
    saved.map(|_| input.provider)
}

/// One provider's settings, for refreshing its card after a save.
#[server(endpoint = "get_provider_settings")]
pub async fn get_provider_settings(provider: ProviderId) -> Result<ProviderSettingsView, AppError> {
    crate::accounts::session::require_admin().await?;
    let state = crate::state::AppState::current()?;
    let row = crate::connections::provider_store::load_row(&state.db, provider).await?;
    let users = super::usage::connected_users(&state.db, provider).await?;
    Ok(super::configure::admin_view(&row, &state.site, users))
}

/// Where a refused plain form post returns: the page, with the error where Leptos looks for it
/// (`__path`, `__err`, as `server_fn` encodes it for the Referer) and the provider it belongs
/// to. Every card has the same action, so every card would otherwise take the error as its own.
#[cfg(feature = "ssr")]
fn back_to_card(site: &crate::state::SiteConfig, provider: ProviderId, err: &AppError) -> String {
    use leptos::server_fn::ServerFn;
    use leptos::server_fn::error::ServerFnUrlError;

    let page = format!(
        "{}/admin/social-apps?{}={}",
        site.public_origin(),
        super::page::ERROR_CARD_PARAM,
        provider.slug()
    );
    match ServerFnUrlError::new(SaveProviderSettings::PATH, err.clone()).to_url(&page) {
        Ok(url) => format!("{}?{}", url.path(), url.query().unwrap_or_default()),
        Err(_) => "/admin/social-apps".to_owned(),
    }
}
