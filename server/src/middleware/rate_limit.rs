//! Per-client rate limits on the routes worth abusing: sign-in and sign-up (password hashing),
//! connect (a stored flow each), the OAuth callback (provider calls) and the admin's saves.
//!
//! It runs before the session and the database are touched, so a flood costs a map lookup.
//! The client is the socket peer, or the address our trusted proxies forwarded
//! (`TrustedProxies::client_ip`). Each class has its own quota per client (GCRA, `governor`),
//! kept in this process: a limit per instance, which is what protects the instance's CPU; the
//! per-email lockout that must hold across instances is in the database (`accounts::throttle`).
//! A refusal is a 429 with `Retry-After`: a server function called by JavaScript gets the
//! `AppError` its page shows; a browser navigating (a plain form, the callback) gets a page.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

use app::error::AppError;
use app::limits::{AbusePolicy, RateLimits, RateQuota, TrustedProxies};
use app::request::asks_for_html;

use super::too_many_page::too_many_page;

/// A route class with a quota of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitedRoute {
    /// `POST /api/sign_in`.
    SignIn,
    /// `POST /api/sign_up`.
    SignUp,
    /// `POST /auth/{provider}/connect`.
    Connect,
    /// `GET /auth/{provider}/callback`.
    Callback,
    /// `POST /api/save_provider_settings`.
    AdminSave,
}

impl LimitedRoute {
    const ALL: [Self; 5] = [
        Self::SignIn,
        Self::SignUp,
        Self::Connect,
        Self::Callback,
        Self::AdminSave,
    ];

    /// The class of a request, if it is limited.
    pub fn of(method: &Method, path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            (&Method::POST, ["api", "sign_in"]) => Some(Self::SignIn),
            (&Method::POST, ["api", "sign_up"]) => Some(Self::SignUp),
            (&Method::POST, ["api", "save_provider_settings"]) => Some(Self::AdminSave),
            (&Method::POST, ["auth", _, "connect"]) => Some(Self::Connect),
            (&Method::GET, ["auth", _, "callback"]) => Some(Self::Callback),
            _ => None,
        }
    }

    fn quota(self, rates: &RateLimits) -> RateQuota {
        match self {
            Self::SignIn => rates.sign_in,
            Self::SignUp => rates.sign_up,
            Self::Connect => rates.connect,
            Self::Callback => rates.callback,
            Self::AdminSave => rates.admin_save,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

type ClientLimiter = RateLimiter<IpAddr, HashMapStateStore<IpAddr>, DefaultClock>;

/// Forget clients that are quiet again every this many checks, so the maps stay small.
const HOUSEKEEPING_EVERY: u64 = 1024;

/// The limiters of one router: one per route class, keyed by client address.
pub struct ClientLimits {
    trusted_proxies: TrustedProxies,
    limiters: Vec<ClientLimiter>,
    checks: AtomicU64,
}

impl ClientLimits {
    /// Fresh limiters for `policy`.
    pub fn new(policy: &AbusePolicy) -> Arc<Self> {
        let limiters = LimitedRoute::ALL
            .iter()
            .map(|route| RateLimiter::hashmap(governor_quota(route.quota(&policy.rates))))
            .collect();
        Arc::new(Self {
            trusted_proxies: policy.trusted_proxies.clone(),
            limiters,
            checks: AtomicU64::new(0),
        })
    }

    /// `Err(seconds to wait)` when `client` has used up its quota for `route`.
    fn check(&self, route: LimitedRoute, client: IpAddr) -> Result<(), u64> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % HOUSEKEEPING_EVERY
            == HOUSEKEEPING_EVERY - 1
        {
            for limiter in &self.limiters {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
        let Some(limiter) = self.limiters.get(route.index()) else {
            return Ok(());
        };
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(limiter.clock().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

/// `requests` at once, then one every `per / requests`.
fn governor_quota(quota: RateQuota) -> Quota {
    let burst = NonZeroU32::new(quota.requests).unwrap_or(NonZeroU32::MIN);
    let every = quota.per / burst.get();
    Quota::with_period(every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
        .allow_burst(burst)
}

/// Answers 429 to a client over its quota for a limited route; lets everything else through.
pub async fn limit_rates(
    State(limits): State<Arc<ClientLimits>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(route) = LimitedRoute::of(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    // Without a socket (a router driven in-process) every caller is one client.
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0), |c| {
            c.0
        });
    let client = limits.trusted_proxies.client_ip(peer, req.headers());
    match limits.check(route, client) {
        Ok(()) => next.run(req).await,
        Err(retry_after_secs) => {
            tracing::warn!(?route, %client, retry_after_secs, "rate limited");
            let err = AppError::TooManyRequests { retry_after_secs };
            let called_by_script =
                req.uri().path().starts_with("/api/") && !asks_for_html(req.headers());
            if called_by_script {
                err.server_fn_response()
            } else {
                too_many_page(route, &err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_abusable_routes_are_limited() {
        let of = |m: Method, p: &str| LimitedRoute::of(&m, p);
        assert_eq!(of(Method::POST, "/api/sign_in"), Some(LimitedRoute::SignIn));
        assert_eq!(
            of(Method::POST, "/auth/x/connect"),
            Some(LimitedRoute::Connect)
        );
        assert_eq!(
            of(Method::GET, "/auth/google/callback"),
            Some(LimitedRoute::Callback)
        );
        assert_eq!(
            of(Method::POST, "/api/save_provider_settings"),
            Some(LimitedRoute::AdminSave)
        );
        assert_eq!(of(Method::GET, "/auth/x/connect"), None);
        assert_eq!(of(Method::GET, "/signin"), None);
        assert_eq!(of(Method::POST, "/api/sign_out"), None);
        assert_eq!(of(Method::GET, "/healthz"), None);
    }

    #[test]
    fn a_client_over_its_quota_waits_and_others_do_not() {
        let policy = AbusePolicy {
            rates: RateLimits {
                sign_in: RateQuota::per_secs(2, 60),
                ..RateLimits::default()
            },
            ..AbusePolicy::default()
        };
        let limits = ClientLimits::new(&policy);
        let (a, b): (IpAddr, IpAddr) = ([192, 0, 2, 1].into(), [192, 0, 2, 2].into());
        assert_eq!(limits.check(LimitedRoute::SignIn, a), Ok(()));
        assert_eq!(limits.check(LimitedRoute::SignIn, a), Ok(()));
        let wait = limits
            .check(LimitedRoute::SignIn, a)
            .err()
            .unwrap_or_default();
        assert!(
            (29..=30).contains(&wait),
            "one request back every 30 s: {wait}"
        );
        assert_eq!(limits.check(LimitedRoute::SignIn, b), Ok(()));
        assert_eq!(
            limits.check(LimitedRoute::SignUp, a),
            Ok(()),
            "classes apart"
        );
    }
}
