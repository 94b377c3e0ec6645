//! What an admin configures for one provider besides its credentials. One type, embedded
//! wherever these fields appear: the providers' defaults, the stored row (a JSON column), the
//! admin's view and form, the sandbox's endpoints and the CLI (`#[command(flatten)]`).

use serde::{Deserialize, Serialize};

/// A provider's scopes and endpoints. Empty strings mean "none" (`revoke_url`,
/// `graph_version`, `issuer`) or "discovered" (the endpoints of an OpenID Connect provider).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::FromJsonQueryResult))]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(default)]
pub struct ProviderSettings {
    /// Scopes, in the provider's own separator (comma for Facebook and Instagram, space
    /// otherwise).
    #[cfg_attr(feature = "cli", arg(long, default_value = ""))]
    pub scopes: String,
    /// Authorization endpoint; may contain `{version}`.
    #[cfg_attr(feature = "cli", arg(long, default_value = ""))]
    pub authorize_url: String,
    /// Token endpoint; may contain `{version}`.
    #[cfg_attr(feature = "cli", arg(long, default_value = ""))]
    pub token_url: String,
    /// Profile endpoint; may contain `{version}`.
    #[cfg_attr(feature = "cli", arg(long, default_value = ""))]
    pub profile_url: String,
    /// Revocation endpoint; empty when the provider has none.
    #[cfg_attr(feature = "cli", arg(long, default_value = ""))]
    pub revoke_url: String,
    /// Graph API version (Facebook, Instagram), substituted for `{version}`.
    #[cfg_attr(feature = "cli", arg(long, default_value = ""))]
    pub graph_version: String,
    /// OpenID Connect issuer (Google), whose discovery document names the endpoints.
    #[cfg_attr(feature = "cli", arg(long, default_value = ""))]
    pub issuer: String,
}

impl ProviderSettings {
    /// `value`, or `None` when it is empty: how an optional setting is read.
    pub fn optional(value: &str) -> Option<&str> {
        Some(value).filter(|v| !v.is_empty())
    }
}
