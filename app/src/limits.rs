//! Limits against abuse (server only): who the client is behind our proxies, how often it may
//! call the expensive or sensitive routes, and how long an email is locked after failed
//! sign-ins. Read once from the environment by the server; nothing here imports the features.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Everything the server and the sign-in need to limit abuse.
#[derive(Debug, Clone, Default)]
pub struct AbusePolicy {
    /// The proxies whose `X-Forwarded-For` we believe.
    pub trusted_proxies: TrustedProxies,
    /// Requests per client and route class.
    pub rates: RateLimits,
    /// Failed sign-ins per email.
    pub lockout: LockoutPolicy,
}

/// `requests` requests in a burst, then one more every `per / requests` (GCRA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateQuota {
    /// How many requests a quiet client may make at once.
    pub requests: u32,
    /// The time in which the whole burst is earned back.
    pub per: Duration,
}

impl RateQuota {
    /// `requests` per `secs` seconds.
    pub const fn per_secs(requests: u32, secs: u64) -> Self {
        Self {
            requests,
            per: Duration::from_secs(secs),
        }
    }
}

/// The quota of each limited route class, per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// `POST /api/sign_in`.
    pub sign_in: RateQuota,
    /// `POST /api/sign_up`.
    pub sign_up: RateQuota,
    /// `POST /auth/{provider}/connect`: each one stores a pending flow.
    pub connect: RateQuota,
    /// `GET /auth/{provider}/callback`: each one may call the provider.
    pub callback: RateQuota,
    /// The admin's saves of provider settings.
    pub admin_save: RateQuota,
}

impl Default for RateLimits {
    /// Enough for a person (and an office behind one address), far too few for a script.
    fn default() -> Self {
        Self {
            sign_in: RateQuota::per_secs(10, 60),
            sign_up: RateQuota::per_secs(20, 3600),
            connect: RateQuota::per_secs(30, 600),
            callback: RateQuota::per_secs(30, 600),
            admin_save: RateQuota::per_secs(30, 60),
        }
    }
}

/// How long an email is locked after failed sign-ins: at the `lock_after`-th failure in a
/// row, `first`; twice as long at each further failure, up to `max`. Failures older than `forget_after`
/// no longer count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// The failure that starts the first lockout.
    pub lock_after: u32,
    /// The first lockout.
    pub first: chrono::Duration,
    /// The longest lockout: a locked-out owner waits at most this long.
    pub max: chrono::Duration,
    /// A quiet email starts again from zero this long after its last failure.
    pub forget_after: chrono::Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            lock_after: 5,
            first: chrono::Duration::seconds(30),
            max: chrono::Duration::minutes(15),
            forget_after: chrono::Duration::hours(24),
        }
    }
}

impl LockoutPolicy {
    /// The lockout that follows the `failures`-th failure in a row, if any.
    pub fn lockout_after(&self, failures: u32) -> Option<chrono::Duration> {
        let doublings = failures.checked_sub(self.lock_after.max(1))?;
        // 2^20 times the first lockout is past any sane cap: stop doubling there.
        let factor = 1i32 << doublings.min(20);
        Some((self.first * factor).min(self.max))
    }
}

/// The proxies (addresses or CIDR blocks) allowed to tell us the client's address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses `10.0.0.1, 192.168.0.0/16, ::1`: addresses or CIDR blocks, comma-separated.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let net = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{item:?} is neither an IP address nor a CIDR block"))?;
            nets.push(net);
        }
        Ok(Self(nets))
    }

    /// Whether `ip` is one of our proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the socket peer, unless the peer is a trusted proxy; then the
    /// right-most address of `X-Forwarded-For` that is not a trusted proxy (everything left of
    /// it was written by the client, who may lie). An unreadable entry stops the walk at the
    /// proxy that passed it on, so garbage shares that proxy's quota rather than escaping it.
    pub fn client_ip(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer.ip());
        if !self.contains(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.into_iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>().map(canonical) else {
                break;
            };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

/// IPv4 as itself, even when it arrives as `::ffff:a.b.c.d` from a dual-stack socket.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in xff {
            map.append("x-forwarded-for", value.parse().unwrap());
        }
        map
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 443)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_peer_is_the_client_unless_it_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let forged = headers(&["203.0.113.9"]);
        assert_eq!(
            none.client_ip(peer("198.51.100.1"), &forged),
            ip("198.51.100.1")
        );
        let lb = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap();
        assert_eq!(
            lb.client_ip(peer("198.51.100.1"), &forged),
            ip("198.51.100.1")
        );
        assert_eq!(lb.client_ip(peer("10.1.2.3"), &forged), ip("203.0.113.9"));
        assert_eq!(lb.client_ip(peer("192.0.2.7"), &forged), ip("203.0.113.9"));
    }

    #[test]
    fn the_right_most_untrusted_hop_wins_over_what_the_client_wrote() {
        let lb = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client wrote "1.1.1.1"; our proxies appended the real address, then their own.
        let chain = headers(&["1.1.1.1, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(lb.client_ip(peer("10.0.0.1"), &chain), ip("203.0.113.9"));
        let garbage = headers(&["203.0.113.9, not-an-ip"]);
        assert_eq!(lb.client_ip(peer("10.0.0.1"), &garbage), ip("10.0.0.1"));
        let only_proxies = headers(&["10.0.0.3"]);
        assert_eq!(
            lb.client_ip(peer("10.0.0.1"), &only_proxies),
            ip("10.0.0.3")
        );
        assert_eq!(
            lb.client_ip(peer("::ffff:10.0.0.1"), &chain),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn bad_proxy_lists_are_named() {
        assert!(TrustedProxies::parse("10.0.0.0/8, nope").is_err());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert_eq!(
            TrustedProxies::parse(" ").unwrap(),
            TrustedProxies::default()
        );
    }

    #[test]
    fn lockouts_double_up_to_the_cap() {
        let policy = LockoutPolicy::default();
        let secs = |n| policy.lockout_after(n).map(|d| d.num_seconds());
        assert_eq!(secs(0), None);
        assert_eq!(secs(4), None);
        assert_eq!(secs(5), Some(30));
        assert_eq!(secs(6), Some(60));
        assert_eq!(secs(9), Some(480));
        assert_eq!(secs(10), Some(900));
        assert_eq!(secs(u32::MAX), Some(900));
    }
}
