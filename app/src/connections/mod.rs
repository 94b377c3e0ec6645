//! Connected social accounts: the providers and their settings, the connect flow, the links,
//! Settings › Applications.
//!
//! Top-down: `page`/`problem` (components) → `api` (server functions) → `flow`/`links`/`health`
//! (domain) → `tokens`, `lease`, `provider_store`, `providers` (storage and provider HTTP).

pub mod api;
#[cfg(feature = "ssr")]
pub mod avatars;
mod card;
pub mod deletion;
#[cfg(feature = "ssr")]
mod failure;
#[cfg(feature = "ssr")]
pub mod flow;
#[cfg(feature = "ssr")]
pub mod health;
#[cfg(feature = "ssr")]
pub mod lease;
#[cfg(feature = "ssr")]
pub mod links;
mod notice;
mod outcome;
pub mod page;
pub mod problem;
#[cfg(feature = "ssr")]
pub mod provider_removal;
#[cfg(feature = "ssr")]
pub mod provider_store;
#[cfg(feature = "ssr")]
pub mod providers;
#[cfg(feature = "ssr")]
pub mod rekey;
#[cfg(feature = "ssr")]
pub mod settings_cache;
#[cfg(feature = "ssr")]
pub mod signed_request;
#[cfg(feature = "ssr")]
pub mod tokens;

pub use crate::catalog::{LinkProblem, LinkStatus, ProviderId, ProviderSettings, UnknownProvider};
#[cfg(feature = "ssr")]
pub use failure::ConnectFailure;
pub use outcome::{CallbackRefusal, ConnectOutcome, UnknownValue};
pub use page::ApplicationsPage;

use serde::{Deserialize, Serialize};

/// A linked account as its owner sees it; no tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionView {
    /// The provider's name for the person.
    pub display_name: Option<String>,
    /// `@handle`, where the provider has handles.
    pub username: Option<String>,
    /// Email the provider shared, if any.
    pub email: Option<String>,
    /// Our copy of the picture, `/avatars/{hash}`; never the provider's URL. `None`: initials.
    pub avatar_url: Option<String>,
    /// Public profile page, where the provider has one.
    pub profile_url: Option<String>,
    /// When the account was first connected (RFC 3339).
    pub connected_at: String,
    /// The same for people, e.g. "28 November 2026, 14:05 UTC".
    pub connected_on: String,
    /// The permissions the provider actually granted (its scope names).
    pub scopes: Vec<String>,
    /// Whether the link still works.
    pub status: LinkStatus,
    /// Why it needs reconnecting, in words ("X no longer grants access").
    pub problem: Option<String>,
    /// When the status last changed, for people ("removed access on 30 November 2026").
    pub status_changed_on: Option<String>,
    /// When the provider last confirmed the link (RFC 3339).
    pub checked_at: Option<String>,
    /// The same, relative to when the page was made ("5 minutes ago").
    pub checked_ago: Option<String>,
    /// The same with date and time ("30 November 2026, 14:05 UTC"), for the tooltip.
    pub checked_on: Option<String>,
}

/// One card of Settings › Applications: an offered provider, or one the user is still linked
/// to, and the user's link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationCard {
    /// Which provider.
    pub provider: ProviderId,
    /// Whether it points at the built-in sandbox rather than the real provider.
    pub sandbox: bool,
    /// Whether this server offers it now; a link to a provider no longer offered still shows,
    /// so that it can be seen and disconnected.
    pub offered: bool,
    /// Where the person manages the access they granted, at the provider (or the sandbox).
    pub manage_url: String,
    /// The user's linked account, if connected.
    pub connection: Option<ConnectionView>,
}
