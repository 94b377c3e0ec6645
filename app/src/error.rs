//! The one error type that crosses the wire, every conversion into it, and the HTTP status of
//! each variant.
//!
//! Each variant carries the words a person sees; internals are logged on the server and never
//! serialised. Server functions, plain axum routes and rendered pages all take their status
//! from [`AppError::status_code`]; nothing else decides one. This module imports nothing from
//! the features, so any of them may use it.

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
            Self::Unauthorized | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::Invalid { .. } | Self::BadRequest(_) => 400,
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

    /// Encodes the error for the browser and, on the server, gives the response the error's
    /// status: `server_fn` answers every error with 500 and offers no other hook, but it
    /// encodes the error inside the request's reactive scope, where the response options live.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        http_status::apply_to_server_fn_response(self);
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self)
            .unwrap_or_else(|_| leptos::server_fn::Bytes::from_static(b"\"Internal\""))
    }
}

#[cfg(feature = "ssr")]
pub use http_status::set_page_status;

#[cfg(feature = "ssr")]
mod http_status {
    use axum::http::StatusCode;
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use super::AppError;

    impl AppError {
        /// [`AppError::status_code`] as an HTTP status.
        pub fn status(&self) -> StatusCode {
            StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }

    /// Sets the status of a failed server-function call. A plain form post (no JavaScript) is
    /// left alone: its answer is a redirect back to the form, which a 4xx status would break.
    pub(super) fn apply_to_server_fn_response(err: &AppError) {
        if !crate::request::is_plain_form_post() {
            set_page_status(err);
        }
    }

    /// Gives the response being built (a rendered page, a server function's answer) the status
    /// of `err`.
    pub fn set_page_status(err: &AppError) {
        if let Some(options) = use_context::<ResponseOptions>() {
            options.set_status(err.status());
        }
    }
}

#[cfg(feature = "ssr")]
mod conversions {
    use super::AppError;

    impl From<sea_orm::DbErr> for AppError {
        fn from(err: sea_orm::DbErr) -> Self {
            tracing::error!(error = %err, "database error");
            Self::Internal
        }
    }

    impl From<sea_orm::TransactionError<sea_orm::DbErr>> for AppError {
        fn from(err: sea_orm::TransactionError<sea_orm::DbErr>) -> Self {
            tracing::error!(error = %err, "database transaction error");
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

    impl From<crate::crypto::CryptoError> for AppError {
        fn from(err: crate::crypto::CryptoError) -> Self {
            tracing::error!(error = %err, "crypto error");
            Self::Internal
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            (self.status(), self.to_string()).into_response()
        }
    }
}
