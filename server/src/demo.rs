//! Demo mode: every provider that an admin has not configured is pointed at the built-in
//! sandbox, so a new user can connect all four in the browser without real credentials.

use app::admin::settings::{SettingsInput, load_row, save};
use app::connections::ProviderId;
use app::state::AppState;
use sandbox::Sandbox;

use crate::StartError;

/// Configures the sandbox for each provider that has no client id yet; leaves the rest alone.
pub async fn configure_sandbox_providers(
    state: &AppState,
    sandbox: &Sandbox,
) -> Result<(), StartError> {
    for provider in ProviderId::ALL {
        let slug = provider.slug();
        let row = load_row(&state.db, provider).await?;
        if !row.client_id.is_empty() {
            continue;
        }
        let endpoints = sandbox.settings(provider);
        let input = SettingsInput {
            enabled: true,
            client_id: Sandbox::client_id(provider),
            client_secret: Some(Sandbox::client_secret(provider)),
            authorize_url: endpoints.authorize_url,
            token_url: endpoints.token_url,
            profile_url: endpoints.profile_url,
            revoke_url: endpoints.revoke_url,
            issuer: endpoints.issuer,
            ..SettingsInput::from_row(&row)
        };
        save(&state.db, &state.cipher, provider, input).await?;
        tracing::info!(
            provider = slug,
            "demo mode: provider configured against the sandbox"
        );
    }
    Ok(())
}
