//! A link's health: the closed sets stored in `connected_accounts.status` and
//! `status_reason`, shown on its card with their words.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::entity::prelude::*;

use super::ProviderId;

/// Whether a link still works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::None)")
)]
pub enum LinkStatus {
    /// Its tokens work (as of the last check).
    #[default]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "active"))]
    Active,
    /// Its tokens no longer work and cannot be refreshed: the user must consent again.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "reconnect_needed"))]
    ReconnectNeeded,
    /// The provider told us the user removed the app (Meta's deauthorize callback); the
    /// tokens, picture and profile data are gone, only the fact remains.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "removed"))]
    Removed,
}

/// Why a link needs reconnecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(EnumIter, DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "String(StringLen::None)")
)]
pub enum LinkProblem {
    /// The provider refused the refresh token (`invalid_grant`): revoked or already used.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "refresh_refused"))]
    RefreshRefused,
    /// The access token expired and there is no way to refresh it (Facebook's 60 days).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "token_expired"))]
    TokenExpired,
    /// The provider refused the token: the user removed the app or its permissions.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "access_revoked"))]
    AccessRevoked,
    /// The provider now shows another account for these tokens.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "account_changed"))]
    AccountChanged,
}

impl LinkProblem {
    /// The words on the card after "Reconnect needed — ".
    pub fn message(self, provider: ProviderId) -> String {
        let name = provider.label();
        match self {
            Self::RefreshRefused | Self::AccessRevoked => {
                format!("{name} no longer grants access")
            }
            Self::TokenExpired => format!("access to {name} has expired"),
            Self::AccountChanged => format!("{name} now answers for another account"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_names_its_provider() {
        for problem in [
            LinkProblem::RefreshRefused,
            LinkProblem::TokenExpired,
            LinkProblem::AccessRevoked,
            LinkProblem::AccountChanged,
        ] {
            assert!(problem.message(ProviderId::X).contains('X'), "{problem:?}");
        }
    }
}
