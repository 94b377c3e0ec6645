//! Configuration from the environment, with defaults that run the app locally.

use std::net::SocketAddr;

use url::Url;

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A variable is set to something unusable.
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The environment variable.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// Where the embedded database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/orga-connect.db?mode=rwc";
/// Where the app listens when neither `BIND_ADDR` nor `LEPTOS_SITE_ADDR` is set.
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:3000";

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// `PUBLIC_URL`: the externally visible base URL, without a trailing slash.
    pub public_url: Url,
    /// `BIND_ADDR` (or cargo-leptos's `LEPTOS_SITE_ADDR`): the socket to listen on.
    pub bind_addr: SocketAddr,
    /// `RUST_LOG`: the tracing filter.
    pub log_filter: String,
    /// `SECRET_KEY`: base64 of 32 bytes sealing secrets at rest; when unset, read from (or
    /// created at) `secret_key_file`.
    pub secret_key: Option<String>,
    /// `SECRET_KEY_FILE`: where the generated key is kept when `SECRET_KEY` is unset (only
    /// generated with SQLite: PostgreSQL's instances must share one key).
    pub secret_key_file: std::path::PathBuf,
    /// `SECRET_KEY_OLD`: former keys, comma-separated, still opening what they sealed until
    /// `server rekey` has re-sealed it.
    pub secret_key_old: Vec<String>,
    /// `SECRET_KEY_OLD_FILES`: files holding former keys, comma-separated.
    pub secret_key_old_files: Vec<std::path::PathBuf>,
    /// `SANDBOX_ADDR`: when set, the provider sandbox is served on this socket too.
    pub sandbox_addr: Option<SocketAddr>,
    /// `SANDBOX_URL`: how browsers reach the sandbox (default `http://{SANDBOX_ADDR}`).
    pub sandbox_url: Option<Url>,
    /// `DEMO_MODE`: pre-configure every provider against the sandbox where none is set.
    pub demo_mode: bool,
    /// `PROVIDER_TIMEOUT_MS`: how long one provider call may take (default 10 s).
    pub provider_timeout: std::time::Duration,
    /// `SANDBOX_CONTROL_TOKEN`: the bearer token of the sandbox's `/_sandbox/*` control routes;
    /// random per start when unset.
    pub sandbox_control_token: Option<String>,
    /// The link-health job: `HEALTH_INTERVAL_SECS`, `HEALTH_CONCURRENCY`, `HEALTH_RECHECK_SECS`.
    pub health: HealthJob,
    /// `SESSION_LIFETIME_DAYS`: a session ends this long after sign-in, however active.
    pub session_lifetime: std::time::Duration,
    /// `TRUSTED_PROXIES`, `RATE_LIMIT_*`, `SIGN_IN_LOCK*` (see `limits_config`).
    pub abuse: app::limits::AbusePolicy,
    /// `CLEANUP_INTERVAL_SECS`: time between runs of the clean-up job (default 15 min).
    pub cleanup_interval: std::time::Duration,
    /// `BENCH_METRICS_ADDR`: when set (a loopback socket only), every SQL statement is counted
    /// and the counts are served there for `scripts/bench` (`server::bench_metrics`).
    pub bench_metrics_addr: Option<SocketAddr>,
}

/// How the link-health job runs.
#[derive(Debug, Clone, Copy)]
pub struct HealthJob {
    /// Time between rounds; `None` (`HEALTH_INTERVAL_SECS=0`) turns the job off. Default 60 s.
    pub interval: Option<std::time::Duration>,
    /// Links checked at once, per instance. Default 4.
    pub concurrency: usize,
    /// How long after its last check a link's profile is re-read. Default a day.
    pub recheck: std::time::Duration,
}

/// How long a provider call may take when `PROVIDER_TIMEOUT_MS` is not set.
pub const DEFAULT_PROVIDER_TIMEOUT_MS: u64 = 10_000;

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let bind_raw = lookup("BIND_ADDR")
            .or_else(|| lookup("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| DEFAULT_BIND_ADDR.to_owned());
        let bind_addr: SocketAddr = bind_raw.parse().map_err(|e| ConfigError::Invalid {
            name: "BIND_ADDR",
            reason: format!("{bind_raw:?} is not an address like 127.0.0.1:3000 ({e})"),
        })?;
        let public_raw = lookup("PUBLIC_URL").unwrap_or_else(|| format!("http://{bind_addr}"));
        let (sandbox_addr, sandbox_url) = sandbox_location(&lookup)?;
        let demo_mode = matches!(
            lookup("DEMO_MODE").as_deref(),
            Some("1" | "true" | "yes" | "on")
        );
        if demo_mode && sandbox_url.is_none() {
            return Err(ConfigError::Invalid {
                name: "DEMO_MODE",
                reason: "needs SANDBOX_ADDR (or SANDBOX_URL)".into(),
            });
        }
        let provider_timeout = provider_timeout(&lookup)?;
        let health = health_job(&lookup)?;
        let session_days = number(&lookup, "SESSION_LIFETIME_DAYS", 30, 1..=365)?;
        let cleanup_secs = number(&lookup, "CLEANUP_INTERVAL_SECS", 15 * 60, 1..=86_400)?;
        let bench_metrics_addr = bench_metrics_addr(&lookup)?;
        Ok(Self {
            abuse: crate::limits_config::abuse_policy(&lookup)?,
            cleanup_interval: std::time::Duration::from_secs(cleanup_secs),
            bench_metrics_addr,
            health,
            session_lifetime: std::time::Duration::from_secs(session_days * 86_400),
            provider_timeout,
            secret_key: lookup("SECRET_KEY"),
            secret_key_file: lookup("SECRET_KEY_FILE")
                .unwrap_or_else(|| "data/secret.key".to_owned())
                .into(),
            secret_key_old: list(&lookup, "SECRET_KEY_OLD"),
            secret_key_old_files: list(&lookup, "SECRET_KEY_OLD_FILES")
                .into_iter()
                .map(Into::into)
                .collect(),
            sandbox_addr,
            sandbox_url,
            demo_mode,
            sandbox_control_token: lookup("SANDBOX_CONTROL_TOKEN"),
            database_url: lookup("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            public_url: parse_url("PUBLIC_URL", &public_raw)?,
            bind_addr,
            log_filter: lookup("RUST_LOG")
                .unwrap_or_else(|| "info,sqlx=warn,sea_orm=warn".to_owned()),
        })
    }
}

impl Config {
    /// Where the site is reached, as the app needs it.
    pub fn site(&self) -> app::state::SiteConfig {
        app::state::SiteConfig {
            public_url: self.public_url.clone(),
            sandbox_url: self.sandbox_url.clone(),
            demo_mode: self.demo_mode,
            health: app::state::HealthPolicy {
                recheck_every: chrono::Duration::from_std(self.health.recheck)
                    .unwrap_or(chrono::Duration::days(1)),
                ..app::state::HealthPolicy::default()
            },
            sessions: app::state::SessionPolicy {
                absolute: chrono::Duration::from_std(self.session_lifetime)
                    .unwrap_or(chrono::Duration::days(30)),
                ..app::state::SessionPolicy::default()
            },
            abuse: self.abuse.clone(),
        }
    }
}

/// `SANDBOX_ADDR` and `SANDBOX_URL` (which defaults to `http://{SANDBOX_ADDR}`).
fn sandbox_location(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<(Option<SocketAddr>, Option<Url>), ConfigError> {
    let sandbox_addr = match lookup("SANDBOX_ADDR") {
        Some(raw) => Some(
            raw.parse::<SocketAddr>()
                .map_err(|e| ConfigError::Invalid {
                    name: "SANDBOX_ADDR",
                    reason: format!("{raw:?} is not an address like 127.0.0.1:3100 ({e})"),
                })?,
        ),
        None => None,
    };
    let sandbox_url = match (lookup("SANDBOX_URL"), sandbox_addr) {
        (Some(raw), _) => Some(parse_url("SANDBOX_URL", &raw)?),
        (None, Some(addr)) => Some(parse_url("SANDBOX_URL", &format!("http://{addr}"))?),
        (None, None) => None,
    };
    Ok((sandbox_addr, sandbox_url))
}

/// A comma-separated setting's items, trimmed, empty ones dropped.
fn list(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Vec<String> {
    lookup(name)
        .map(|raw| {
            raw.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `BENCH_METRICS_ADDR`: a loopback socket, since the counts it serves are for the benchmark
/// running on the same machine and nobody else.
fn bench_metrics_addr(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<SocketAddr>, ConfigError> {
    let Some(raw) = lookup("BENCH_METRICS_ADDR") else {
        return Ok(None);
    };
    match raw.parse::<SocketAddr>() {
        Ok(addr) if addr.ip().is_loopback() => Ok(Some(addr)),
        _ => Err(ConfigError::Invalid {
            name: "BENCH_METRICS_ADDR",
            reason: format!("{raw:?} is not a loopback address like 127.0.0.1:3901"),
        }),
    }
}

/// An integer setting within `range`, or `default` when unset.
pub(crate) fn number(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    let Some(raw) = lookup(name) else {
        return Ok(default);
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(ConfigError::Invalid {
            name,
            reason: format!(
                "{raw:?} is not a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        }),
    }
}

/// `HEALTH_INTERVAL_SECS` (0 = off), `HEALTH_CONCURRENCY`, `HEALTH_RECHECK_SECS`.
fn health_job(lookup: &impl Fn(&str) -> Option<String>) -> Result<HealthJob, ConfigError> {
    use std::time::Duration;
    let interval = number(lookup, "HEALTH_INTERVAL_SECS", 60, 0..=86_400)?;
    Ok(HealthJob {
        interval: (interval > 0).then(|| Duration::from_secs(interval)),
        concurrency: usize::try_from(number(lookup, "HEALTH_CONCURRENCY", 4, 1..=64)?).unwrap_or(4),
        recheck: Duration::from_secs(number(
            lookup,
            "HEALTH_RECHECK_SECS",
            86_400,
            1..=30 * 86_400,
        )?),
    })
}

/// `PROVIDER_TIMEOUT_MS`: from 1 ms to 10 minutes.
fn provider_timeout(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<std::time::Duration, ConfigError> {
    let raw =
        lookup("PROVIDER_TIMEOUT_MS").unwrap_or_else(|| DEFAULT_PROVIDER_TIMEOUT_MS.to_string());
    match raw.parse::<u64>() {
        Ok(ms @ 1..=600_000) => Ok(std::time::Duration::from_millis(ms)),
        _ => Err(ConfigError::Invalid {
            name: "PROVIDER_TIMEOUT_MS",
            reason: format!("{raw:?} is not a number of milliseconds from 1 to 600000"),
        }),
    }
}

/// Checks a base URL (`PUBLIC_URL`, `SANDBOX_URL`): http(s), a host, no query or fragment;
/// drops a trailing slash.
pub fn parse_url(name: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid { name, reason };
    let url =
        Url::parse(raw.trim_end_matches('/')).map_err(|e| invalid(format!("{raw:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid(format!(
            "{raw:?} must be an http:// or https:// URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "{raw:?} must not have a query or fragment"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Config::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_run_locally_on_sqlite() -> Result<(), ConfigError> {
        let c = config(&[])?;
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.bind_addr.to_string(), DEFAULT_BIND_ADDR);
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:3000/");
        Ok(())
    }

    #[test]
    fn bad_values_are_named() {
        let err = config(&[("PUBLIC_URL", "ftp://x")])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("PUBLIC_URL is invalid"), "{err}");
        let err = config(&[("BIND_ADDR", "nope")])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("BIND_ADDR is invalid"), "{err}");
        assert!(config(&[("PUBLIC_URL", "https://orga.example/?x=1")]).is_err());
        assert!(
            config(&[("DEMO_MODE", "1")]).is_err(),
            "demo mode needs the sandbox"
        );
        assert!(config(&[("SANDBOX_ADDR", "x")]).is_err());
        assert!(config(&[("PROVIDER_TIMEOUT_MS", "0")]).is_err());
        assert!(config(&[("PROVIDER_TIMEOUT_MS", "soon")]).is_err());
        assert!(config(&[("SESSION_LIFETIME_DAYS", "0")]).is_err());
        assert!(config(&[("BENCH_METRICS_ADDR", "0.0.0.0:3901")]).is_err());
        assert!(config(&[("BENCH_METRICS_ADDR", "127.0.0.1:3901")]).is_ok());
    }

    #[test]
    fn old_keys_are_a_comma_separated_list() -> Result<(), ConfigError> {
        let c = config(&[
            ("SECRET_KEY_OLD", " a=, ,b= "),
            ("SECRET_KEY_OLD_FILES", "/k/1,/k/2"),
        ])?;
        assert_eq!(c.secret_key_old, ["a=", "b="]);
        assert_eq!(c.secret_key_old_files.len(), 2);
        assert!(config(&[])?.secret_key_old.is_empty());
        Ok(())
    }

    #[test]
    fn public_url_keeps_a_path_prefix() -> Result<(), ConfigError> {
        let c = config(&[("PUBLIC_URL", "https://orga.example/connect/")])?;
        assert_eq!(c.public_url.as_str(), "https://orga.example/connect");
        Ok(())
    }
}
