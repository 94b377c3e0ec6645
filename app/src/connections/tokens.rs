//! A link's tokens at rest: sealed under a purpose that names the provider and the kind of
//! token, bound to the link's owner, opened only to call the provider.

use chrono::{DateTime, Duration, Utc};
use sea_orm::Set;

use super::ProviderId;
use super::providers::{StoredTokens, TokenSet, TokenTimes};
use crate::crypto::{Binding, Secret};
use crate::db::entities::connected_account;
use crate::error::AppError;
use crate::state::AppState;

/// Whose link a token is: the user and the provider (a user has one link per provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOwner {
    /// The user who linked the account.
    pub user_id: i64,
    /// The provider of the link.
    pub provider: ProviderId,
}

impl TokenOwner {
    /// The owner of `link`.
    pub fn of(link: &connected_account::Model) -> Self {
        Self {
            user_id: link.user_id,
            provider: link.provider,
        }
    }
}

/// What a token of `kind` (`access_token`, `refresh_token`) is sealed under: its kind and
/// provider (the purpose, as before key ids) and its owner, so that a sealed token copied into
/// another person's link does not open.
pub fn binding(owner: TokenOwner, kind: &str) -> Binding {
    Binding::new(
        format!("{kind}:{}", owner.provider.slug()),
        format!("user:{}", owner.user_id),
    )
}

/// Seals one token of `owner`'s link.
fn seal(
    state: &AppState,
    owner: TokenOwner,
    kind: &str,
    token: &Secret,
) -> Result<String, AppError> {
    Ok(state.cipher.seal(token.expose(), &binding(owner, kind))?)
}

/// Opens a link's tokens.
pub(super) fn open(
    state: &AppState,
    link: &connected_account::Model,
) -> Result<StoredTokens, AppError> {
    let owner = TokenOwner::of(link);
    let open = |kind: &str, sealed: &str| state.cipher.open(sealed, &binding(owner, kind));
    Ok(StoredTokens {
        access_token: open("access_token", &link.access_token)?,
        refresh_token: link
            .refresh_token
            .as_deref()
            .map(|sealed| open("refresh_token", sealed))
            .transpose()?,
    })
}

/// The timing of a link's tokens, as stored.
pub(super) fn times(link: &connected_account::Model) -> TokenTimes {
    TokenTimes {
        issued_at: link.tokens_issued_at,
        expires_at: link.expires_at,
        has_refresh_token: link.refresh_token.is_some(),
    }
}

/// Writes fresh tokens into `row`, issued `now`. A provider that answers no refresh token
/// (Google on a reconnect or a refresh; X never, since it rotates) leaves the stored one:
/// `kept_refresh` is that one, still sealed (for the same owner). Returns the timing written.
pub(super) fn store(
    row: &mut connected_account::ActiveModel,
    state: &AppState,
    owner: TokenOwner,
    tokens: &TokenSet,
    kept_refresh: Option<String>,
    now: DateTime<Utc>,
) -> Result<TokenTimes, AppError> {
    let refresh = match &tokens.refresh_token {
        Some(token) => Some(seal(state, owner, "refresh_token", token)?),
        None => kept_refresh,
    };
    let expires_at = expiry(now, tokens.expires_in);
    let times = TokenTimes {
        issued_at: Some(now),
        expires_at,
        has_refresh_token: refresh.is_some(),
    };
    row.access_token = Set(seal(state, owner, "access_token", &tokens.access_token)?);
    row.refresh_token = Set(refresh);
    row.expires_at = Set(expires_at);
    row.tokens_issued_at = Set(Some(now));
    if let Some(scopes) = &tokens.scopes {
        row.scopes = Set(scopes.clone());
    }
    Ok(times)
}

/// When a token given `expires_in` seconds at `now` ends; a lifetime beyond ten years, zero or
/// negative is treated as unknown rather than trusted (and cannot overflow).
fn expiry(now: DateTime<Utc>, expires_in: Option<i64>) -> Option<DateTime<Utc>> {
    const TEN_YEARS: i64 = 10 * 366 * 24 * 3600;
    let seconds = expires_in.filter(|s| (1..=TEN_YEARS).contains(s))?;
    now.checked_add_signed(Duration::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_lifetimes_are_unknown_not_trusted() {
        let now = Utc::now();
        assert_eq!(expiry(now, Some(7200)), Some(now + Duration::hours(2)));
        assert_eq!(expiry(now, Some(0)), None);
        assert_eq!(expiry(now, Some(-5)), None);
        assert_eq!(expiry(now, Some(i64::MAX)), None);
        assert_eq!(expiry(now, None), None);
    }
}
