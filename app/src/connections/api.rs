//! Server functions of Settings › Applications.

use leptos::prelude::*;

use super::{ApplicationCard, ProviderId};
use crate::error::AppError;

/// The providers offered to the signed-in user, each with their link if connected.
#[server(endpoint = "list_applications")]
pub async fn list_applications() -> Result<Vec<ApplicationCard>, AppError> {
    crate::error::with_status(
        async move {
            let user = crate::accounts::server::require_user().await?;
            let state = crate::state::AppState::current()?;
            super::server::application_cards(&state, &user).await
        }
        .await,
    )
    .await
}

/// Disconnects the user's account at `provider`: deletes the link and its tokens, then asks the
/// provider to revoke the grant (best effort). Returns the provider for the confirmation.
#[server(endpoint = "disconnect_account")]
pub async fn disconnect_account(provider: String) -> Result<ProviderId, AppError> {
    crate::error::with_status(
        async move {
            let user = crate::accounts::server::require_user().await?;
            let provider = ProviderId::from_slug(&provider).ok_or(AppError::NotFound)?;
            let state = crate::state::AppState::current()?;
            super::server::disconnect(&state, &user, provider).await?;
            // A plain form post (no JavaScript) comes back to the page with the outcome in the URL.
            if crate::accounts::server::is_plain_form_post().await {
                leptos_axum::redirect(&format!(
                    "/settings/applications?disconnected={}",
                    provider.slug()
                ));
            }
            Ok(provider)
        }
        .await,
    )
    .await
}
