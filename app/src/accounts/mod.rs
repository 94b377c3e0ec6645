//! Accounts: sign up, sign in, sign out, the current user and the page guards; changing the
//! password, and the user's signed-in sessions.

pub mod api;
pub mod guard;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod passwords;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod user_agent;
#[cfg(feature = "ssr")]
pub mod users;
pub mod validate;

use serde::{Deserialize, Serialize};

/// The signed-in user as the browser may see it: no password hash, nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// Database id.
    pub id: i64,
    /// Sign-in email address.
    pub email: String,
    /// Given name; may be empty.
    pub first_name: String,
    /// Family name; may be empty.
    pub last_name: String,
    /// Picture URL, if the user has one.
    pub avatar_url: Option<String>,
    /// Whether the user may use the admin area.
    pub is_admin: bool,
}

impl UserView {
    /// The name to greet the user with: the full name, or the email when no name is set.
    pub fn display_name(&self) -> String {
        let full = format!("{} {}", self.first_name, self.last_name);
        let full = full.trim();
        if full.is_empty() {
            self.email.clone()
        } else {
            full.to_owned()
        }
    }

    /// One or two letters for an avatar placeholder.
    pub fn initials(&self) -> String {
        crate::components::initials(&self.display_name())
    }
}

/// One of the user's signed-in sessions, as the Profile page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Which session: the SHA-256 of its id, as the `sessions` table keys it (never the id,
    /// which is the cookie). Useful only to its owner, to sign it out.
    pub key: String,
    /// "Chrome on Linux", from the browser's `User-Agent` at sign-in.
    pub device: String,
    /// When it signed in (RFC 3339).
    pub signed_in_at: String,
    /// The same for people: "1 December 2026 at 14:05 UTC".
    pub signed_in_words: String,
    /// When it was last used, to the minute (RFC 3339).
    pub last_seen_at: String,
    /// The same, relative to when the list was made: "5 minutes ago".
    pub last_seen_ago: String,
    /// Whether this is the session of the browser asking.
    pub current: bool,
}
