//! How a connect flow or a disconnect ends: a closed set shared by the server, which decides
//! it, the flash, which carries it to the next page, and the page, which puts it into words.
//! Adding a variant does not compile until it has its words and its name.

use std::str::FromStr;

use super::ProviderId;

/// The result of a connect flow or a disconnect, shown on Settings › Applications. It travels
/// in the session (`crate::flash`), never in the URL; `as_str` names it in the page's
/// `data-outcome`, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ConnectOutcome {
    /// The account is linked.
    Connected,
    /// The link was removed.
    Disconnected,
    /// The person cancelled at the provider.
    Cancelled,
    /// The provider answered with an error instead of a code.
    Denied,
    /// The provider did not answer in time.
    Timeout,
    /// The provider could not be reached.
    Unreachable,
    /// The provider refused a request (an HTTP error status).
    Rejected,
    /// The provider's answer could not be read.
    Malformed,
    /// The provider's answer lacked something we need.
    Incomplete,
    /// The ID token failed verification.
    IdToken,
    /// The account is linked to another user.
    Taken,
    /// The provider is not offered (any more), or its settings are unusable.
    NotOffered,
    /// Our own failure.
    Failed,
    /// A Refresh found the link working (tokens renewed if due, profile re-read).
    Checked,
    /// A Refresh found that the provider no longer grants access.
    NeedsReconnect,
}

impl ConnectOutcome {
    /// Every outcome, for round-trip tests.
    pub const ALL: [Self; 15] = [
        Self::Connected,
        Self::Disconnected,
        Self::Cancelled,
        Self::Denied,
        Self::Timeout,
        Self::Unreachable,
        Self::Rejected,
        Self::Malformed,
        Self::Incomplete,
        Self::IdToken,
        Self::Taken,
        Self::NotOffered,
        Self::Failed,
        Self::Checked,
        Self::NeedsReconnect,
    ];

    /// The outcome's name in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Disconnected => "disconnected",
            Self::Cancelled => "cancelled",
            Self::Denied => "denied",
            Self::Timeout => "timeout",
            Self::Unreachable => "unreachable",
            Self::Rejected => "rejected",
            Self::Malformed => "malformed",
            Self::Incomplete => "incomplete",
            Self::IdToken => "id_token",
            Self::Taken => "taken",
            Self::NotOffered => "not_offered",
            Self::Failed => "failed",
            Self::Checked => "checked",
            Self::NeedsReconnect => "needs_reconnect",
        }
    }

    /// How the message is shown: `success`, `info` or `error`.
    pub fn level(self) -> &'static str {
        match self {
            Self::Connected | Self::Disconnected | Self::Checked => "success",
            Self::Cancelled => "info",
            _ => "error",
        }
    }

    /// The sentence people read.
    pub fn message(self, provider: ProviderId) -> String {
        let p = provider.label();
        match self {
            Self::Connected => format!("Your {p} account is connected."),
            Self::Disconnected => format!("Your {p} account is disconnected."),
            Self::Cancelled => format!("You cancelled connecting {p}. Nothing was changed."),
            Self::Denied => format!("{p} did not grant access. Nothing was changed."),
            Self::Timeout => format!(
                "{p} did not answer in time. Nothing was changed; please try again in a moment."
            ),
            Self::Unreachable => {
                format!("{p} could not be reached. Nothing was changed; please try again later.")
            }
            Self::Rejected => format!(
                "{p} refused the request. Nothing was changed; if this persists, tell an administrator."
            ),
            Self::Malformed => format!(
                "{p} sent an answer we could not read. Nothing was changed; please try again later."
            ),
            Self::Incomplete => {
                format!("{p} did not share the profile details we need. Nothing was changed.")
            }
            Self::IdToken => format!(
                "{p}'s sign-in could not be verified. Nothing was changed; please try again."
            ),
            Self::Taken => format!(
                "This {p} account is already connected to another Orga profile. Nothing was changed."
            ),
            Self::NotOffered => {
                format!("{p} is not available on this server right now. Nothing was changed.")
            }
            Self::Failed => {
                format!("Connecting {p} failed. Nothing was changed; please try again.")
            }
            Self::Checked => {
                format!("Your {p} account is checked: it works, and its details are up to date.")
            }
            Self::NeedsReconnect => {
                format!("{p} no longer grants access. Reconnect to keep your account connected.")
            }
        }
    }

    /// `/settings/applications#app-{slug}`: the provider's card, where outcomes are shown.
    pub fn applications_url(provider: ProviderId) -> String {
        format!("/settings/applications#app-{}", provider.slug())
    }
}

/// A URL name that is not one of the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown value")]
pub struct UnknownValue;

impl FromStr for ConnectOutcome {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or(UnknownValue)
    }
}
