/// What went wrong talking to a provider. The details are for logs; people get
/// [`ProviderError::user_message`].
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// No answer within the timeout.
    #[error("timed out")]
    Timeout,
    /// Connection refused, DNS failure, TLS failure…
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// An HTTP error status.
    #[error("HTTP {status}: {detail}")]
    Status {
        /// The status code.
        status: u16,
        /// The start of the body, for the logs.
        detail: String,
    },
    /// A body that is not the JSON we expect.
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// A required field is absent or empty.
    #[error("answer lacks {0}")]
    MissingField(&'static str),
    /// The ID token failed verification (signature, issuer, audience, expiry or nonce).
    #[error("invalid ID token: {0}")]
    InvalidIdToken(String),
    /// The admin's settings for the provider are unusable.
    #[error("configuration: {0}")]
    Config(String),
}

impl ProviderError {
    /// A short machine-readable kind, used in the callback's redirect to explain the outcome.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Unreachable(_) => "unreachable",
            Self::Status { .. } => "rejected",
            Self::Malformed(_) => "malformed",
            Self::MissingField(_) => "incomplete",
            Self::InvalidIdToken(_) => "id_token",
            Self::Config(_) => "config",
        }
    }
}
