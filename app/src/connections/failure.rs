//! Why a connect flow failed after its state was accepted.

use super::ConnectOutcome;
use super::providers::ProviderError;
use crate::error::AppError;

/// Why finishing a flow failed after the state was accepted.
#[derive(Debug)]
pub enum ConnectFailure {
    /// The provider misbehaved or refused.
    Provider(ProviderError),
    /// The account is linked to another user.
    TakenByAnotherUser,
    /// The provider stopped being offered meanwhile.
    NotOffered,
    /// Our own failure.
    App(AppError),
}

impl From<AppError> for ConnectFailure {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

impl ConnectFailure {
    /// What the person is told on Settings › Applications.
    pub fn outcome(&self) -> ConnectOutcome {
        match self {
            Self::Provider(err) => err.outcome(),
            Self::TakenByAnotherUser => ConnectOutcome::Taken,
            Self::NotOffered => ConnectOutcome::NotOffered,
            Self::App(_) => ConnectOutcome::Failed,
        }
    }
}
