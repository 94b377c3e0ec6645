//! In-memory state: authorization codes, tokens, faults and revocations.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use app::connections::ProviderId;

use crate::faults::{Endpoint, Fault};
use crate::identities::Identity;
use crate::openid::{OpenIdOptions, Overrides};

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
    /// Whether the grant earns a refresh token (Google's offline access on first consent).
    pub offline: bool,
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
    /// Redeemable at the token endpoint for a new access token (X rotates it: single use).
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
    /// When it was issued (Instagram renews only tokens a day old).
    pub issued_at: Instant,
    /// After this the token is refused.
    pub expires_at: Instant,
    /// Set by revocation or code reuse.
    pub revoked: bool,
    /// A rotating refresh token that was redeemed once.
    pub spent: bool,
    /// The code it descends from: the grant. A replayed code, a revocation or a reused
    /// refresh token ends every token of the grant.
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
            issued_at: Instant::now(),
            expires_at: Instant::now() + ttl,
            revoked: false,
            spent: false,
            origin_code: code.to_owned(),
        }
    }

    /// A token of `kind` of the same grant, issued now for `ttl`.
    pub fn successor(&self, kind: TokenKind, ttl: Duration) -> Self {
        Self {
            kind,
            issued_at: Instant::now(),
            expires_at: Instant::now() + ttl,
            revoked: false,
            spent: false,
            ..self.clone()
        }
    }
}

/// Why a refresh token was not honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshError {
    /// Never issued here, by this provider, or not a refresh token.
    Unknown,
    /// Revoked or expired.
    Dead,
    /// A rotating token redeemed a second time: the whole grant is ended, as RFC 9700 §4.14.2
    /// advises.
    Reused,
}

/// Ends every token of the grant that began with code `grant`.
fn end_grant(inner: &mut Inner, grant: &str) {
    for record in inner.tokens.values_mut().filter(|r| r.origin_code == grant) {
        record.revoked = true;
    }
}

#[derive(Default)]
struct Inner {
    codes: HashMap<String, CodeGrant>,
    used_codes: HashSet<String>,
    tokens: HashMap<String, TokenRecord>,
    faults: HashMap<(ProviderId, Endpoint), Fault>,
    revocations: HashMap<ProviderId, Vec<String>>,
    /// Access-token lifetimes set by tests, instead of the provider's own.
    lifetimes: HashMap<ProviderId, Duration>,
    /// Refresh grants honoured, per provider.
    refreshes: HashMap<ProviderId, usize>,
    /// People who granted offline access, per provider; cleared when the grant ends.
    offline: HashSet<(ProviderId, &'static str)>,
    /// `None`: [`crate::pictures::DEFAULT_LIFETIME`].
    picture_lifetime: Option<Duration>,
    /// Client secrets set by tests, instead of `sandbox-{provider}-secret`.
    secrets: HashMap<ProviderId, String>,
    /// How the OpenID provider behaves.
    openid: OpenIdOptions,
    /// What the OpenID provider sends replaced.
    overrides: Overrides,
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

    /// Revokes a live token of `provider` (access or refresh), and with it every token of its
    /// grant, as X and Google do; records the token named. Returns false when the token is
    /// unknown, foreign, expired or already revoked.
    pub fn revoke(&self, provider: ProviderId, token: &str) -> bool {
        let mut inner = self.lock();
        let Some(record) = inner.tokens.get(token) else {
            return false;
        };
        if record.provider != provider || record.revoked || record.expires_at <= Instant::now() {
            return false;
        }
        let grant = record.origin_code.clone();
        let person = record.identity.key;
        end_grant(&mut inner, &grant);
        inner.offline.remove(&(provider, person));
        inner
            .revocations
            .entry(provider)
            .or_default()
            .push(token.to_owned());
        true
    }

    /// Whether `person` grants `provider` offline access for the first time (and records it).
    pub fn first_offline_consent(&self, provider: ProviderId, person: &'static str) -> bool {
        self.lock().offline.insert((provider, person))
    }

    /// Redeems the refresh token `token` of `provider`; a rotating one is spent by it.
    pub fn redeem_refresh(
        &self,
        provider: ProviderId,
        token: &str,
        rotating: bool,
    ) -> Result<TokenRecord, RefreshError> {
        let mut inner = self.lock();
        let Some(record) = inner.tokens.get_mut(token) else {
            return Err(RefreshError::Unknown);
        };
        if record.provider != provider || record.kind != TokenKind::Refresh {
            return Err(RefreshError::Unknown);
        }
        if record.spent {
            let grant = record.origin_code.clone();
            end_grant(&mut inner, &grant);
            return Err(RefreshError::Reused);
        }
        if record.revoked || record.expires_at <= Instant::now() {
            return Err(RefreshError::Dead);
        }
        record.spent = rotating;
        let record = record.clone();
        *inner.refreshes.entry(provider).or_default() += 1;
        Ok(record)
    }

    /// Counts a renewal that is not a refresh-token grant (Instagram's `ig_refresh_token`).
    pub fn count_renewal(&self, provider: ProviderId) {
        *self.lock().refreshes.entry(provider).or_default() += 1;
    }

    /// How many renewals (`refresh_token`, `ig_refresh_token` grants) `provider` honoured.
    pub fn refresh_count(&self, provider: ProviderId) -> usize {
        self.lock().refreshes.get(&provider).copied().unwrap_or(0)
    }

    /// The access-token lifetime of `provider`: a test's, else `default`.
    pub fn access_ttl(&self, provider: ProviderId, default: Duration) -> Duration {
        self.lock()
            .lifetimes
            .get(&provider)
            .copied()
            .unwrap_or(default)
    }

    /// Makes `provider` issue access tokens that live `ttl`.
    pub fn set_access_ttl(&self, provider: ProviderId, ttl: Duration) {
        self.lock().lifetimes.insert(provider, ttl);
    }

    /// Ends every live access token of `provider` now, as time would.
    pub fn expire_access_tokens(&self, provider: ProviderId) -> usize {
        let now = Instant::now();
        let mut inner = self.lock();
        let mut count = 0;
        for record in inner.tokens.values_mut() {
            if record.provider == provider
                && record.kind == TokenKind::Access
                && record.expires_at > now
            {
                record.expires_at = now;
                count += 1;
            }
        }
        count
    }

    /// Makes every token of `provider` look `by` older (issued earlier; ends no sooner).
    pub fn age_tokens(&self, provider: ProviderId, by: Duration) {
        let mut inner = self.lock();
        for record in inner.tokens.values_mut().filter(|r| r.provider == provider) {
            if let Some(earlier) = record.issued_at.checked_sub(by) {
                record.issued_at = earlier;
            }
        }
    }

    /// Revokes every live token `provider` issued to the person `identity_key` (the person
    /// removed the app); returns how many. Not listed among [`Store::revoked_tokens`], which are
    /// the app's own revocations.
    pub fn revoke_all(&self, provider: ProviderId, identity_key: &str) -> usize {
        let now = Instant::now();
        let mut inner = self.lock();
        let mut count = 0;
        for record in inner.tokens.values_mut() {
            if record.provider == provider
                && record.identity.key == identity_key
                && !record.revoked
                && record.expires_at > now
            {
                record.revoked = true;
                count += 1;
            }
        }
        // A later consent is a first consent again (Google's offline access).
        inner
            .offline
            .retain(|(p, person)| !(*p == provider && *person == identity_key));
        count
    }

    /// How many live tokens (access or refresh) `provider` has issued to `identity_key`.
    pub fn live_tokens(&self, provider: ProviderId, identity_key: &str) -> usize {
        let now = Instant::now();
        self.lock()
            .tokens
            .values()
            .filter(|t| t.provider == provider && t.identity.key == identity_key)
            .filter(|t| !t.revoked && t.expires_at > now)
            .count()
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

    /// The client secret `provider` accepts.
    pub fn client_secret(&self, provider: ProviderId) -> String {
        self.lock()
            .secrets
            .get(&provider)
            .cloned()
            .unwrap_or_else(|| crate::Sandbox::client_secret(provider))
    }

    /// Makes `provider` accept `secret` instead.
    pub fn set_client_secret(&self, provider: ProviderId, secret: String) {
        self.lock().secrets.insert(provider, secret);
    }

    /// How the OpenID provider behaves now.
    pub fn openid(&self) -> OpenIdOptions {
        self.lock().openid.clone()
    }

    /// Changes it.
    pub fn set_openid(&self, options: OpenIdOptions) {
        self.lock().openid = options;
    }

    /// What the OpenID provider sends replaced now.
    pub fn overrides(&self) -> Overrides {
        self.lock().overrides.clone()
    }

    /// Changes one field of what the OpenID provider sends.
    pub fn edit_overrides(&self, edit: impl FnOnce(&mut Overrides)) {
        edit(&mut self.lock().overrides);
    }
}
