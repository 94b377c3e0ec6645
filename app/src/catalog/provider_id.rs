//! The closed set of providers, shared by the server, the page and the database column.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::entity::prelude::*;

/// The providers Orga Connect knows. Adding one: a variant here, its slug and label, and a
/// module in `connections/providers/` listed in `connections::providers::provider_for`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::None)")
)]
pub enum ProviderId {
    /// Facebook Login.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "facebook"))]
    Facebook,
    /// X (formerly Twitter), OAuth 2.0 with PKCE.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "x"))]
    X,
    /// Instagram API with Instagram Login.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "instagram"))]
    Instagram,
    /// Google, through OpenID Connect.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "google"))]
    Google,
}

impl ProviderId {
    /// Every provider, in display order.
    pub const ALL: [Self; 4] = [Self::Facebook, Self::X, Self::Instagram, Self::Google];

    /// The URL and database name: `facebook`, `x`, `instagram`, `google`.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Facebook => "facebook",
            Self::X => "x",
            Self::Instagram => "instagram",
            Self::Google => "google",
        }
    }

    /// The name people know.
    pub fn label(self) -> &'static str {
        match self {
            Self::Facebook => "Facebook",
            Self::X => "X",
            Self::Instagram => "Instagram",
            Self::Google => "Google",
        }
    }

    /// The provider's own page where a person sees and removes the apps they granted access.
    pub fn manage_access_url(self) -> &'static str {
        match self {
            // https://www.facebook.com/help/218345114850283 ("Apps and websites")
            Self::Facebook => "https://www.facebook.com/settings/?tab=business_tools",
            // https://help.x.com/en/managing-your-account/connect-or-revoke-access-to-third-party-apps
            Self::X => "https://x.com/settings/connected_apps",
            // https://help.instagram.com/225527185051082 ("Apps and websites")
            Self::Instagram => "https://www.instagram.com/accounts/manage_access/",
            // https://support.google.com/accounts/answer/13533235 ("Third-party connections")
            Self::Google => "https://myaccount.google.com/connections",
        }
    }

    /// The provider for a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// Whether profiles on this provider have an `@handle`.
    pub fn has_usernames(self) -> bool {
        matches!(self, Self::X | Self::Instagram)
    }

    /// Whether the provider's URLs carry a Graph API version (`{version}`).
    pub fn uses_graph_version(self) -> bool {
        matches!(self, Self::Facebook | Self::Instagram)
    }

    /// Whether the provider is configured by its OpenID Connect issuer (endpoints discovered).
    pub fn uses_discovery(self) -> bool {
        self == Self::Google
    }
}

impl std::str::FromStr for ProviderId {
    type Err = UnknownProvider;

    fn from_str(slug: &str) -> Result<Self, Self::Err> {
        Self::from_slug(slug).ok_or(UnknownProvider)
    }
}

/// A slug that names no provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no such provider: use facebook, x, instagram or google")]
pub struct UnknownProvider;

impl std::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}
