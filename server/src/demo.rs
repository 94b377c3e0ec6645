//! Demo mode: every provider that an admin has not configured is pointed at the built-in
//! sandbox, so a new user can connect all four in the browser without real credentials.

use app::admin::ProviderSettingsInput;
use app::admin::configure::{configure_provider, input_from_row};
use app::connections::provider_store::load_row;
use app::connections::{ProviderId, ProviderSettings};
use app::state::AppState;
use sandbox::Sandbox;

use crate::StartError;

/// Configures the sandbox for each provider that has no client id yet; leaves the rest alone.
pub async fn configure_sandbox_providers(
    state: &AppState,
    sandbox: &Sandbox,
) -> Result<(), StartError> {
    for provider in ProviderId::ALL {
        let row = load_row(&state.db, provider).await?;
        if !row.client_id.is_empty() {
            continue;
        }
        let current = input_from_row(&row);
        let input = ProviderSettingsInput {
            enabled: true,
            client_id: Sandbox::client_id(provider),
            client_secret: Some(Sandbox::client_secret(provider)),
            // The sandbox's endpoints; the scopes and Graph version stay the provider's own.
            settings: ProviderSettings {
                scopes: current.settings.scopes.clone(),
                graph_version: current.settings.graph_version.clone(),
                ..sandbox.settings(provider)
            },
            ..current
        };
        configure_provider(&state.db, &state.cipher, &input).await?;
        tracing::info!(
            provider = provider.slug(),
            "demo mode: provider configured against the sandbox"
        );
    }
    Ok(())
}
