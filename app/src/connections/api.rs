//! Server functions of Settings › Applications.

use leptos::prelude::*;

use super::{ApplicationCard, ConnectOutcome, ProviderId};
use crate::error::AppError;

/// The providers offered to the signed-in user, each with their link if connected.
#[server(endpoint = "list_applications")]
pub async fn list_applications() -> Result<Vec<ApplicationCard>, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    super::links::application_cards(&state, user.id).await
}

/// Disconnects the user's account at `provider`: deletes the link and its tokens, then asks the
/// provider to revoke the grant (best effort). Returns the provider for the confirmation; a
/// plain form post (no JavaScript) is sent back to the page, which shows the answer.
#[server(endpoint = "disconnect_account")]
pub async fn disconnect_account(provider: ProviderId) -> Result<ProviderId, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    super::links::disconnect(&state, user.id, provider).await?;
    Ok(provider)
}

/// Checks the user's link to `provider` now, without a new consent: renews its tokens if
/// they need it and re-reads the profile (name, handle, picture). Answers the provider and the
/// outcome.
#[server(endpoint = "refresh_connection")]
pub async fn refresh_connection(
    provider: ProviderId,
) -> Result<(ProviderId, ConnectOutcome), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::AppState::current()?;
    let outcome = match super::health::check_now(&state, user.id, provider).await? {
        super::LinkStatus::Active => ConnectOutcome::Checked,
        _ => ConnectOutcome::NeedsReconnect,
    };
    Ok((provider, outcome))
}
