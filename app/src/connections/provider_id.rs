use serde::{Deserialize, Serialize};

/// The providers Orga Connect knows. Adding one: a variant here, its slug and label, and a
/// module in `providers/` listed in `providers::provider_for`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProviderId {
    /// Facebook Login.
    Facebook,
    /// X (formerly Twitter), OAuth 2.0 with PKCE.
    X,
    /// Instagram API with Instagram Login.
    Instagram,
    /// Google, through OpenID Connect.
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

    /// The provider for a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// Whether profiles on this provider have an `@handle`.
    pub fn has_usernames(self) -> bool {
        matches!(self, Self::X | Self::Instagram)
    }
}

impl std::fmt::Display for ProviderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}
