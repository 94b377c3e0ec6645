//! The abuse limits from the environment: `TRUSTED_PROXIES`, `RATE_LIMIT_*` and
//! `SIGN_IN_LOCK*`. Defaults in `app::limits`.

use app::limits::{AbusePolicy, LockoutPolicy, RateLimits, RateQuota, TrustedProxies};

use crate::config::{ConfigError, number};

/// Reads the abuse limits through `lookup`.
pub fn abuse_policy(lookup: &impl Fn(&str) -> Option<String>) -> Result<AbusePolicy, ConfigError> {
    let trusted_proxies = match lookup("TRUSTED_PROXIES") {
        Some(list) => TrustedProxies::parse(&list).map_err(|reason| ConfigError::Invalid {
            name: "TRUSTED_PROXIES",
            reason,
        })?,
        None => TrustedProxies::default(),
    };
    let d = RateLimits::default();
    let rates = RateLimits {
        sign_in: quota(lookup, "RATE_LIMIT_SIGN_IN", d.sign_in)?,
        sign_up: quota(lookup, "RATE_LIMIT_SIGN_UP", d.sign_up)?,
        connect: quota(lookup, "RATE_LIMIT_CONNECT", d.connect)?,
        callback: quota(lookup, "RATE_LIMIT_CALLBACK", d.callback)?,
        admin_save: quota(lookup, "RATE_LIMIT_ADMIN_SAVE", d.admin_save)?,
    };
    let d = LockoutPolicy::default();
    let secs = |name, default: chrono::Duration| -> Result<chrono::Duration, ConfigError> {
        let default = u64::try_from(default.num_seconds()).unwrap_or(1);
        let n = number(lookup, name, default, 1..=86_400)?;
        Ok(chrono::Duration::seconds(i64::try_from(n).unwrap_or(1)))
    };
    let lockout = LockoutPolicy {
        lock_after: u32::try_from(number(lookup, "SIGN_IN_LOCK_AFTER", 5, 1..=1000)?).unwrap_or(5),
        first: secs("SIGN_IN_LOCKOUT_SECS", d.first)?,
        max: secs("SIGN_IN_LOCKOUT_MAX_SECS", d.max)?,
        forget_after: d.forget_after,
    };
    if lockout.max < lockout.first {
        return Err(ConfigError::Invalid {
            name: "SIGN_IN_LOCKOUT_MAX_SECS",
            reason: "must not be shorter than SIGN_IN_LOCKOUT_SECS".into(),
        });
    }
    Ok(AbusePolicy {
        trusted_proxies,
        rates,
        lockout,
    })
}

/// `N/SECS`: N requests per SECS seconds, e.g. `10/60`.
fn quota(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: RateQuota,
) -> Result<RateQuota, ConfigError> {
    let Some(raw) = lookup(name) else {
        return Ok(default);
    };
    let parsed = raw.split_once('/').and_then(|(n, secs)| {
        let n = n
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))?;
        let secs = secs
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=86_400).contains(s))?;
        Some(RateQuota::per_secs(n, secs))
    });
    parsed.ok_or_else(|| ConfigError::Invalid {
        name,
        reason: format!(
            "{raw:?} is not REQUESTS/SECONDS like 10/60 (1 to 1000000 requests per 1 to 86400 s)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(vars: &[(&str, &str)]) -> Result<AbusePolicy, ConfigError> {
        abuse_policy(&|name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_trust_no_proxy() {
        let p = policy(&[]).unwrap();
        assert_eq!(p.trusted_proxies, TrustedProxies::default());
        assert_eq!(p.rates, RateLimits::default());
        assert_eq!(p.lockout, LockoutPolicy::default());
    }

    #[test]
    fn values_are_read_and_bad_ones_named() {
        let p = policy(&[("RATE_LIMIT_SIGN_IN", "3/10"), ("SIGN_IN_LOCK_AFTER", "2")]).unwrap();
        assert_eq!(p.rates.sign_in, RateQuota::per_secs(3, 10));
        assert_eq!(p.lockout.lock_after, 2);
        for (name, value) in [
            ("RATE_LIMIT_SIGN_IN", "10"),
            ("RATE_LIMIT_CONNECT", "0/60"),
            ("RATE_LIMIT_CALLBACK", "5/0"),
            ("TRUSTED_PROXIES", "10.0.0.0/8,proxy"),
            ("SIGN_IN_LOCKOUT_MAX_SECS", "5"),
        ] {
            let err = policy(&[(name, value)])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                err.starts_with(&format!("{name} is invalid")),
                "{name}={value}: {err}"
            );
        }
    }
}
