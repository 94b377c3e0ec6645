//! The one error type that crosses the wire, and every conversion into it.
//!
//! Each variant carries the words a person sees; internals are logged on the server and never
//! serialised. The HTTP status of each variant is decided here too, so that server functions
//! and plain axum routes agree.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Everything that can go wrong in a request, as the person using the app should hear it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No signed-in user where one is needed.
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// Signed in, but not allowed (for example a user on an admin page).
    #[error("You do not have access to this page.")]
    Forbidden,
    /// A form value is not acceptable; `field` names the input it belongs to.
    #[error("{message}")]
    Invalid {
        /// The form field the message belongs to, if any.
        field: Option<String>,
        /// What is wrong, in plain words.
        message: String,
    },
    /// Wrong email or password; deliberately does not say which.
    #[error("Wrong email or password.")]
    InvalidCredentials,
    /// Sign-up with an email that already has an account.
    #[error("An account with this email address already exists. Try signing in instead.")]
    EmailTaken,
    /// The thing asked for does not exist (or is not the caller's).
    #[error("Not found.")]
    NotFound,
    /// A request the browser should not have sent (cross-site, replayed, tampered).
    #[error("{0}")]
    BadRequest(String),
    /// An external provider failed; the message says which and what to do.
    #[error("{0}")]
    Provider(String),
    /// The request could not reach the server or its answer could not be read.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    /// Anything else: logged in detail on the server, shown vaguely.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

impl AppError {
    /// A validation error attached to one form field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// The form field this error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::Invalid { .. } | Self::BadRequest(_) => 400,
            Self::InvalidCredentials => 401,
            Self::EmailTaken => 409,
            Self::NotFound => 404,
            Self::Provider(_) | Self::Network => 502,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Network,
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                Self::BadRequest(format!("The form was incomplete or malformed ({msg})."))
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = ?other, "server function failure");
                let _ = other;
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
mod server_conversions {
    use super::AppError;

    impl From<sea_orm::DbErr> for AppError {
        fn from(err: sea_orm::DbErr) -> Self {
            tracing::error!(error = %err, "database error");
            Self::Internal
        }
    }

    impl From<tower_sessions::session::Error> for AppError {
        fn from(err: tower_sessions::session::Error) -> Self {
            tracing::error!(error = %err, "session error");
            Self::Internal
        }
    }

    impl From<argon2::password_hash::Error> for AppError {
        fn from(err: argon2::password_hash::Error) -> Self {
            tracing::error!(error = %err, "password hashing error");
            Self::Internal
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = axum::http::StatusCode::from_u16(self.status_code())
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, self.to_string()).into_response()
        }
    }
}

/// Gives a failed server-function call the status of its error (server functions answer 500
/// for every error otherwise). Plain form posts are left alone: their answer is a redirect back
/// to the form, which a 4xx status would break.
#[cfg(feature = "ssr")]
pub async fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result
        && !crate::accounts::server::is_plain_form_post().await
    {
        let options = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
        if let (Some(options), Ok(code)) =
            (options, axum::http::StatusCode::from_u16(err.status_code()))
        {
            options.set_status(code);
        }
    }
    result
}

/// In the browser build the server-function bodies are not compiled; this keeps the wrapper's
/// name resolvable there.
#[cfg(not(feature = "ssr"))]
pub async fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    result
}
