//! The admin area: Admin › Social apps, where providers are registered.

pub mod api;
mod page;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod validate;

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use serde::{Deserialize, Serialize};

pub use page::SocialAppsPage;

use crate::accounts::guard::RequireUser;
use crate::connections::ProviderId;

/// A provider's settings as an admin sees them: everything but the secret, which is only said
/// to be set. (A separate type from the row so the secret cannot reach the browser.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderSettingsView {
    /// Which provider.
    pub provider: ProviderId,
    /// Offered to users (when credentials are complete).
    pub enabled: bool,
    /// Client id.
    pub client_id: String,
    /// Whether a client secret is saved.
    pub secret_set: bool,
    /// Scopes.
    pub scopes: String,
    /// Authorization endpoint.
    pub authorize_url: String,
    /// Token endpoint.
    pub token_url: String,
    /// Profile endpoint.
    pub profile_url: String,
    /// Revocation endpoint, or empty.
    pub revoke_url: String,
    /// Graph API version, or empty.
    pub graph_version: String,
    /// OpenID Connect issuer, or empty.
    pub issuer: String,
    /// The redirect URI to register at the provider.
    pub redirect_uri: String,
    /// Whether users see the provider (enabled and complete).
    pub offered: bool,
    /// Whether it points at the built-in sandbox.
    pub sandbox: bool,
}

/// Admin › …: administrators only; others get 403.
#[component]
pub fn AdminLayout() -> impl IntoView {
    view! {
        <RequireUser admin=true>
            <div class="with-sidebar">
                <nav class="sidebar" aria-label="Admin">
                    <p class="sidebar-title">"Admin"</p>
                    <A href="/admin/social-apps">"Social apps"</A>
                </nav>
                <div class="content"><Outlet/></div>
            </div>
        </RequireUser>
    }
}
