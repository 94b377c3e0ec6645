//! Why a callback is refused: a closed set shared by the server, which decides it, and the
//! "Connection not completed" page, which puts it into words (how a flow ends,
//! `ConnectOutcome`, is in the catalog: the flash carries it too). Adding a variant does not
//! compile until it has its words and its URL name.

use std::str::FromStr;

use super::ProviderId;
#[cfg(feature = "ssr")]
use super::providers::IssuerProblem;
pub use crate::catalog::{ConnectOutcome, UnknownValue};
use crate::error::AppError;

/// Why a callback was refused before anything was exchanged: the "Connection not completed"
/// page. It travels in the URL as `?reason={as_str}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackRefusal {
    /// The `provider` in the path names no provider.
    UnknownProvider,
    /// Nobody is signed in.
    SignedOut,
    /// The state is missing, unknown, used, expired, or someone else's.
    InvalidState,
    /// The provider sent no authorization code.
    MissingCode,
    /// The provider says its answers carry `iss` (RFC 9207), and this one has none.
    MissingIssuer,
    /// The answer's `iss` names another issuer: it is not from the provider the flow went
    /// to (a mix-up attack).
    WrongIssuer,
}

#[cfg(feature = "ssr")]
impl From<IssuerProblem> for CallbackRefusal {
    fn from(problem: IssuerProblem) -> Self {
        match problem {
            IssuerProblem::Missing => Self::MissingIssuer,
            IssuerProblem::Different => Self::WrongIssuer,
        }
    }
}

impl CallbackRefusal {
    /// Every refusal, for round-trip tests.
    pub const ALL: [Self; 6] = [
        Self::UnknownProvider,
        Self::SignedOut,
        Self::InvalidState,
        Self::MissingCode,
        Self::MissingIssuer,
        Self::WrongIssuer,
    ];

    /// The refusal's name in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownProvider => "provider",
            Self::SignedOut => "signin",
            Self::InvalidState => "state",
            Self::MissingCode => "code",
            Self::MissingIssuer => "issuer_missing",
            Self::WrongIssuer => "issuer",
        }
    }

    /// The error this refusal is (its HTTP status comes from `AppError`).
    pub fn as_error(self) -> AppError {
        match self {
            Self::UnknownProvider => AppError::NotFound,
            Self::SignedOut => AppError::Unauthorized,
            Self::InvalidState | Self::MissingCode | Self::MissingIssuer | Self::WrongIssuer => {
                AppError::BadRequest(self.message(None))
            }
        }
    }

    /// The sentence people read; `provider` is `None` when unknown.
    pub fn message(self, provider: Option<ProviderId>) -> String {
        let name = provider.map(ProviderId::label).unwrap_or("the provider");
        match self {
            Self::InvalidState => format!(
                "This link back from {name} is invalid, was already used, or has expired (flows are valid for 10 minutes). \
                 Nothing was changed. Start again from Settings › Applications."
            ),
            Self::SignedOut => format!(
                "You need to be signed in to connect {name}. Nothing was changed. Sign in, then connect again."
            ),
            Self::MissingCode => format!(
                "{name} sent you back without an authorization code. Nothing was changed. Please try again."
            ),
            Self::MissingIssuer => format!(
                "This answer does not say which sign-in server sent it, and {name}'s always do, so it was not used. \
                 Nothing was changed. Start again from Settings › Applications."
            ),
            Self::WrongIssuer => format!(
                "This answer was sent by another sign-in server than {name}'s, so it was not used. \
                 Nothing was changed. Start again from Settings › Applications."
            ),
            Self::UnknownProvider => "There is no such provider.".to_owned(),
        }
    }
}

impl FromStr for CallbackRefusal {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownValue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_and_refusal_survives_the_url() {
        for outcome in ConnectOutcome::ALL {
            assert_eq!(outcome.as_str().parse(), Ok(outcome));
            assert!(!outcome.message(ProviderId::X).is_empty());
        }
        for refusal in CallbackRefusal::ALL {
            assert_eq!(refusal.as_str().parse(), Ok(refusal));
        }
        assert_eq!("nonsense".parse::<ConnectOutcome>(), Err(UnknownValue));
    }
}
