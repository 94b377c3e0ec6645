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
    /// Several form values are not acceptable at once; each names its field, so a form can show
    /// every message beside its own field in one round trip. (Its text, for the CLI and logs,
    /// is every message; a form sums up instead, see `components::ErrorAlert`.)
    #[error("{}", every_message(.0))]
    InvalidFields(Vec<FieldError>),
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
    /// Too many attempts from this client, or on this account: try again after the wait.
    /// Answered with `Retry-After`.
    #[error("Too many attempts. Please wait {} and try again.", wait_words(*retry_after_secs))]
    TooManyRequests {
        /// Seconds until the next attempt may be made.
        retry_after_secs: u64,
    },
    /// The request could not reach the server or its answer could not be read.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    /// Anything else: logged in detail on the server, shown vaguely.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The database cannot be reached (down, restarting, unreachable): nothing was lost, and
    /// the same request will work once it is back.
    #[error(
        "Orga Connect cannot reach its database just now. Nothing was changed; please try again in a minute."
    )]
    Unavailable,
}

/// One form field's problem, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field the message belongs to (`email`, `token_url`…).
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

/// The messages of several fields, one after the other.
fn every_message(fields: &[FieldError]) -> String {
    let messages: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
    messages.join(" ")
}

/// A wait in words a person reads: "1 second", "40 seconds", "3 minutes" (rounded up).
fn wait_words(secs: u64) -> String {
    match secs {
        0 | 1 => "1 second".to_owned(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

impl AppError {
    /// A validation error attached to one form field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// Several checks' errors as one: the first error that is not about a field (it is what
    /// the person must hear), else every field's message (one stays the plain `Invalid`, as a
    /// single check returns it). `None` when there was no error.
    pub fn gather(errors: impl IntoIterator<Item = AppError>) -> Option<Self> {
        let mut fields = Vec::new();
        for err in errors {
            match err {
                Self::Invalid {
                    field: Some(field),
                    message,
                } => fields.push(FieldError { field, message }),
                Self::InvalidFields(more) => fields.extend(more),
                other => return Some(other),
            }
        }
        match fields.len() {
            0 => None,
            1 => fields
                .pop()
                .map(|FieldError { field, message }| Self::Invalid {
                    field: Some(field),
                    message,
                }),
            _ => Some(Self::InvalidFields(fields)),
        }
    }

    /// The form field this error belongs to (the first one, when there are several), if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => field.as_deref(),
            Self::InvalidFields(fields) => fields.first().map(|f| f.field.as_str()),
            _ => None,
        }
    }

    /// What is wrong with `field`, when this error names it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid {
                field: Some(f),
                message,
            } if f == field => Some(message.clone()),
            Self::InvalidFields(fields) => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }

    /// How many form fields this error names: their messages are shown beside them.
    pub fn field_count(&self) -> usize {
        match self {
            Self::Invalid { field: Some(_), .. } => 1,
            Self::InvalidFields(fields) => fields.len(),
            _ => 0,
        }
    }

    /// The seconds of a `Retry-After` header, for the errors that come with one.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after_secs } => Some((*retry_after_secs).max(1)),
            // The database is usually back within a restart's time.
            Self::Unavailable => Some(30),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthorized | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::Invalid { .. } | Self::InvalidFields(_) | Self::BadRequest(_) => 400,
            Self::EmailTaken => 409,
            Self::TooManyRequests { .. } => 429,
            Self::NotFound => 404,
            Self::Provider(_) | Self::Network => 502,
            Self::Internal => 500,
            Self::Unavailable => 503,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_keeps_every_field_message_in_order() {
        assert_eq!(AppError::gather([]), None);
        let one = AppError::gather([AppError::invalid("email", "Bad email.")]);
        assert_eq!(one, Some(AppError::invalid("email", "Bad email.")));
        let many = AppError::gather([
            AppError::invalid("name", "Enter your name."),
            AppError::invalid("password", "Too short."),
        ])
        .unwrap_or(AppError::Internal);
        assert_eq!(many.field(), Some("name"));
        assert_eq!(many.field_count(), 2);
        assert_eq!(many.message_for("password").as_deref(), Some("Too short."));
        assert_eq!(many.message_for("email"), None);
        assert_eq!(many.status_code(), 400);
        assert_eq!(many.to_string(), "Enter your name. Too short.");
    }

    #[test]
    fn too_many_requests_says_how_long_to_wait() {
        let wait = |secs| AppError::TooManyRequests {
            retry_after_secs: secs,
        };
        assert_eq!(wait(0).retry_after_secs(), Some(1));
        assert_eq!(
            wait(0).to_string(),
            "Too many attempts. Please wait 1 second and try again."
        );
        assert_eq!(
            wait(42).to_string(),
            "Too many attempts. Please wait 42 seconds and try again."
        );
        assert_eq!(
            wait(900).to_string(),
            "Too many attempts. Please wait 15 minutes and try again."
        );
        assert_eq!(wait(42).status_code(), 429);
        assert_eq!(AppError::Internal.retry_after_secs(), None);
    }

    #[test]
    fn an_error_that_is_not_about_a_field_wins() {
        let gathered = AppError::gather([AppError::invalid("name", "x"), AppError::EmailTaken]);
        assert_eq!(gathered, Some(AppError::EmailTaken));
    }
}

#[cfg(feature = "ssr")]
pub use conversions::is_unreachable;
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
    /// of `err`, and its `Retry-After` when it has one.
    pub fn set_page_status(err: &AppError) {
        if let Some(options) = use_context::<ResponseOptions>() {
            options.set_status(err.status());
            if let Some(secs) = err.retry_after_secs() {
                options.insert_header(axum::http::header::RETRY_AFTER, secs.into());
            }
        }
    }
}

#[cfg(feature = "ssr")]
mod conversions {
    use super::AppError;

    impl From<sea_orm::DbErr> for AppError {
        fn from(err: sea_orm::DbErr) -> Self {
            tracing::error!(error = %err, "database error");
            if is_unreachable(&err) {
                Self::Unavailable
            } else {
                Self::Internal
            }
        }
    }

    impl From<sea_orm::TransactionError<sea_orm::DbErr>> for AppError {
        fn from(err: sea_orm::TransactionError<sea_orm::DbErr>) -> Self {
            match err {
                sea_orm::TransactionError::Connection(err)
                | sea_orm::TransactionError::Transaction(err) => err.into(),
            }
        }
    }

    /// Whether the database could not be reached at all (as opposed to refusing a statement):
    /// no connection could be opened or taken from the pool, or the one in hand broke.
    pub fn is_unreachable(err: &sea_orm::DbErr) -> bool {
        use sea_orm::sqlx::Error as Sqlx;
        use sea_orm::{DbErr, RuntimeErr};
        match err {
            DbErr::ConnectionAcquire(_) => true,
            DbErr::Conn(RuntimeErr::SqlxError(_)) => true,
            DbErr::Conn(_) => false,
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
                matches!(
                    e,
                    Sqlx::Io(_)
                        | Sqlx::PoolTimedOut
                        | Sqlx::PoolClosed
                        | Sqlx::Tls(_)
                        | Sqlx::WorkerCrashed
                )
            }
            _ => false,
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
            let mut res = (self.status(), self.to_string()).into_response();
            with_retry_after(&self, &mut res);
            res
        }
    }

    impl AppError {
        /// The answer a server function gives when it fails, for middleware that refuses a
        /// call before it runs: the status, `Retry-After`, and the error as the JSON the
        /// browser's `server_fn` client decodes (`FromServerFnError::de`), so the page shows it.
        pub fn server_fn_response(&self) -> axum::response::Response {
            use axum::http::{HeaderValue, header};
            let body = serde_json::to_vec(self).unwrap_or_else(|_| b"\"Internal\"".to_vec());
            let mut res = axum::response::Response::new(axum::body::Body::from(body));
            *res.status_mut() = self.status();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            with_retry_after(self, &mut res);
            res
        }
    }

    /// Adds `Retry-After` to `res` when `err` has one.
    pub(crate) fn with_retry_after(err: &AppError, res: &mut axum::response::Response) {
        if let Some(secs) = err.retry_after_secs() {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
    }
}
