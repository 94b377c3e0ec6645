//! Demo mode: every provider that an admin has not configured is pointed at the built-in
//! sandbox, so a new user can connect all four in the browser without real credentials.

use app::admin::configure::{configure_provider_as, input_from_row};
use app::connections::ProviderId;
use app::connections::provider_store::{Author, load_row};
use app::state::AppState;
use sandbox::Sandbox;

use crate::StartError;

/// Configures the sandbox for each provider that has no client id yet; leaves the rest alone.
/// What it writes is marked, so a server started later without demo mode does not offer it.
pub async fn configure_sandbox_providers(
    state: &AppState,
    sandbox: &Sandbox,
) -> Result<(), StartError> {
    for provider in ProviderId::ALL {
        let row = load_row(&state.db, provider).await?;
        if !row.client_id.is_empty() {
            continue;
        }
        let input = sandbox.registration(input_from_row(&row));
        configure_provider_as(&state.db, &state.cipher, &input, Author::Demo).await?;
        tracing::info!(
            provider = provider.slug(),
            "demo mode: provider configured against the sandbox"
        );
    }
    Ok(())
}
