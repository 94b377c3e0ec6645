//! In-memory state: authorization codes, tokens, faults and revocations.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use app::connections::ProviderId;

use crate::faults::{Endpoint, Fault};
use crate::identities::Identity;

/// Codes live five minutes, like the shortest-lived real providers'.
pub(crate) const CODE_TTL: Duration = Duration::from_secs(300);

/// What an authorization code was issued for.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    /// Which provider issued it.
    pub provider: ProviderId,
    /// The client it was issued to.
    pub client_id: String,
    /// The redirect URI it was delivered to; the token request must repeat it.
    pub redirect_uri: String,
    /// Who consented.
    pub identity: &'static Identity,
    /// Granted scopes, in request order.
    pub scopes: Vec<String>,
    /// PKCE challenge, if one was sent.
    pub code_challenge: Option<String>,
    /// `plain` or `S256` when a challenge was sent.
    pub code_challenge_method: Option<String>,
    /// OpenID nonce, echoed in the id_token.
    pub nonce: Option<String>,
    /// After this the code is dead.
    pub expires_at: Instant,
}

/// Why a code could not be redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedeemError {
    /// Never issued (or issued by another provider).
    Unknown,
    /// Already exchanged once; tokens from the first exchange were revoked.
    Reused,
    /// Older than [`CODE_TTL`].
    Expired,
}

/// Access or refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Usable at profile endpoints.
    Access,
    /// Only revocable here (no refresh grant is emulated).
    Refresh,
}

/// A token the sandbox issued.
#[derive(Debug, Clone)]
pub(crate) struct TokenRecord {
    /// Which provider issued it.
    pub provider: ProviderId,
    /// Access or refresh.
    pub kind: TokenKind,
    /// Whose token.
    pub identity: &'static Identity,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// After this the token is refused.
    pub expires_at: Instant,
    /// Set by revocation or code reuse.
    pub revoked: bool,
    /// The code it descends from, so a replayed code can revoke it.
    pub origin_code: String,
}

impl TokenRecord {
    /// A live token of `kind` descending from `grant` (redeemed as `code`), valid for `ttl`.
    pub fn from_grant(grant: &CodeGrant, code: &str, kind: TokenKind, ttl: Duration) -> Self {
        Self {
            provider: grant.provider,
            kind,
            identity: grant.identity,
            scopes: grant.scopes.clone(),
            expires_at: Instant::now() + ttl,
            revoked: false,
            origin_code: code.to_owned(),
        }
    }
}

#[derive(Default)]
struct Inner {
    codes: HashMap<String, CodeGrant>,
    used_codes: HashSet<String>,
    tokens: HashMap<String, TokenRecord>,
    faults: HashMap<(ProviderId, Endpoint), Fault>,
    revocations: HashMap<ProviderId, Vec<String>>,
    /// `None`: [`crate::pictures::DEFAULT_LIFETIME`].
    picture_lifetime: Option<Duration>,
}

/// All mutable sandbox state behind one lock (contention is irrelevant at test scale).
#[derive(Default)]
pub(crate) struct Store {
    inner: Mutex<Inner>,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain maps behind, still consistent enough.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stores a fresh code for `grant` and returns it.
    pub fn insert_code(&self, grant: CodeGrant) -> String {
        let code = crate::util::random_token(24);
        let mut inner = self.lock();
        let now = Instant::now();
        inner.codes.retain(|_, g| g.expires_at > now);
        inner.codes.insert(code.clone(), grant);
        code
    }

    /// Consumes `code` for `provider`. A second redemption revokes every token the first produced.
    pub fn redeem(&self, provider: ProviderId, code: &str) -> Result<CodeGrant, RedeemError> {
        let mut inner = self.lock();
        if inner.used_codes.contains(code) {
            for token in inner.tokens.values_mut().filter(|t| t.origin_code == code) {
                token.revoked = true;
            }
            return Err(RedeemError::Reused);
        }
        match inner.codes.get(code) {
            Some(grant) if grant.provider == provider => {}
            _ => return Err(RedeemError::Unknown),
        }
        let grant = inner.codes.remove(code).ok_or(RedeemError::Unknown)?;
        inner.used_codes.insert(code.to_owned());
        if grant.expires_at <= Instant::now() {
            return Err(RedeemError::Expired);
        }
        Ok(grant)
    }

    /// Issues a token with `prefix` followed by random characters.
    pub fn issue(&self, prefix: &str, record: TokenRecord) -> String {
        let token = format!("{prefix}{}", crate::util::random_token(48));
        self.lock().tokens.insert(token.clone(), record);
        token
    }

    /// The live access token `token` of `provider`, if it is one.
    pub fn access_token(&self, provider: ProviderId, token: &str) -> Option<TokenRecord> {
        let inner = self.lock();
        let record = inner.tokens.get(token)?;
        let live = record.provider == provider
            && record.kind == TokenKind::Access
            && !record.revoked
            && record.expires_at > Instant::now();
        live.then(|| record.clone())
    }

    /// Revokes a live token of `provider` (access or refresh) and records it.
    /// Returns false when the token is unknown, foreign, expired or already revoked.
    pub fn revoke(&self, provider: ProviderId, token: &str) -> bool {
        let mut inner = self.lock();
        let Some(record) = inner.tokens.get_mut(token) else {
            return false;
        };
        if record.provider != provider || record.revoked || record.expires_at <= Instant::now() {
            return false;
        }
        record.revoked = true;
        inner
            .revocations
            .entry(provider)
            .or_default()
            .push(token.to_owned());
        true
    }

    /// Tokens revoked through `provider`'s revoke endpoint, oldest first.
    pub fn revoked_tokens(&self, provider: ProviderId) -> Vec<String> {
        self.lock()
            .revocations
            .get(&provider)
            .cloned()
            .unwrap_or_default()
    }

    /// Installs a persistent fault.
    pub fn set_fault(&self, provider: ProviderId, endpoint: Endpoint, fault: Fault) {
        self.lock().faults.insert((provider, endpoint), fault);
    }

    /// The fault currently installed on that endpoint.
    pub fn fault(&self, provider: ProviderId, endpoint: Endpoint) -> Option<Fault> {
        self.lock().faults.get(&(provider, endpoint)).cloned()
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// How long picture URLs handed out now work.
    pub fn picture_lifetime(&self) -> Duration {
        self.lock()
            .picture_lifetime
            .unwrap_or(crate::pictures::DEFAULT_LIFETIME)
    }

    /// Changes that for the URLs handed out from now on.
    pub fn set_picture_lifetime(&self, lifetime: Duration) {
        self.lock().picture_lifetime = Some(lifetime);
    }
}
