//! The admin area: Admin › Social apps, where providers are registered.

pub mod api;
#[cfg(feature = "ssr")]
pub mod configure;
mod fields;
mod page;
#[cfg(feature = "ssr")]
pub mod usage;
#[cfg(feature = "ssr")]
pub mod validate;

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use serde::{Deserialize, Deserializer, Serialize};

pub use page::SocialAppsPage;

use crate::accounts::guard::RequireUser;
use crate::connections::{ProviderId, ProviderSettings};

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
    /// Scopes and endpoints.
    pub settings: ProviderSettings,
    /// The redirect URI to register at the provider.
    pub redirect_uri: String,
    /// The callback URLs to register at Meta (Facebook and Instagram only).
    pub meta_callbacks: Option<MetaCallbackUrls>,
    /// Whether users see the provider (enabled and complete).
    pub offered: bool,
    /// Whether it points at the built-in sandbox.
    pub sandbox: bool,
    /// How many users have it connected (links they removed at the provider aside).
    pub connected_users: u64,
    /// Whether the saved secret cannot be opened with this server's keys: the admin must
    /// enter it again, and the provider is not offered meanwhile.
    pub secret_unreadable: bool,
    /// Whether demo mode wrote these settings (pointing at the sandbox) and the server runs
    /// without it: not offered until an admin saves them.
    pub left_by_demo: bool,
}

/// The URLs Meta's app dashboard asks for besides the redirect URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaCallbackUrls {
    /// "Deauthorize callback URL": `{PUBLIC_URL}/auth/{provider}/deauthorize`.
    pub deauthorize: String,
    /// "Data deletion request URL": `{PUBLIC_URL}/auth/{provider}/data-deletion`.
    pub data_deletion: String,
}

/// What an admin submits for one provider: the Admin › Social apps form (fields named
/// `input[client_id]`, `input[settings][token_url]`…), the CLI and demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderSettingsInput {
    /// Which provider.
    pub provider: ProviderId,
    /// Offer the provider to users; a checkbox, so absent means no.
    #[serde(default, deserialize_with = "checkbox")]
    pub enabled: bool,
    /// The app's client id.
    #[serde(default)]
    pub client_id: String,
    /// A new client secret; absent or empty keeps the saved one.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Scopes and endpoints.
    #[serde(default)]
    pub settings: ProviderSettings,
    /// "Yes, stop offering it to its connected users": turning off a provider that people have
    /// connected is refused without it. A checkbox, shown once the server has asked.
    #[serde(default, deserialize_with = "checkbox")]
    pub confirm_disable: bool,
}

/// A checkbox: `on`, `true` or any other value when ticked, absent when not.
fn checkbox<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ticked {
        Bool(bool),
        Text(String),
    }
    Ok(match Option::<Ticked>::deserialize(deserializer)? {
        Some(Ticked::Bool(ticked)) => ticked,
        Some(Ticked::Text(value)) => !matches!(value.as_str(), "false" | "off" | ""),
        None => false,
    })
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
