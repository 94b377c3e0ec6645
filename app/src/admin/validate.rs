//! Checks of an admin's provider settings, with a message per field.

use url::Url;

use super::settings::SettingsInput;
use crate::connections::ProviderId;
use crate::error::AppError;

/// Settings that passed every check, normalised.
pub struct ValidSettings {
    pub enabled: bool,
    pub client_id: String,
    pub scopes: String,
    pub authorize_url: String,
    pub token_url: String,
    pub profile_url: String,
    pub revoke_url: Option<String>,
    pub graph_version: Option<String>,
    pub issuer: Option<String>,
}

fn printable(
    field: &str,
    label: &str,
    value: &str,
    max: usize,
    allow_spaces: bool,
) -> Result<String, AppError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("{label} is too long (at most {max} characters)."),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() || (!allow_spaces && c.is_whitespace()))
    {
        return Err(AppError::invalid(
            field,
            format!("{label} contains characters that are not allowed."),
        ));
    }
    Ok(value.to_owned())
}

/// An endpoint URL: http(s) with a host; plain http only for this machine (the sandbox).
fn endpoint(field: &str, label: &str, raw: &str, version: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    let bad = |why: &str| AppError::invalid(field, format!("{label}: {why}"));
    if raw.is_empty() {
        return Err(bad("enter a URL."));
    }
    let url = Url::parse(&raw.replace("{version}", version))
        .map_err(|_| bad("enter a full URL, like https://provider.example/oauth."))?;
    let Some(host) = url.host_str() else {
        return Err(bad("the URL needs a host."));
    };
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        "http" => {
            return Err(bad(
                "use https:// (plain http is only accepted for localhost).",
            ));
        }
        _ => return Err(bad("only http(s) URLs are accepted.")),
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(bad("the URL must not contain a #fragment or credentials."));
    }
    if raw.len() > 2048 {
        return Err(bad("the URL is too long."));
    }
    Ok(raw.to_owned())
}

/// Checks every field of `input` for `provider`.
pub fn check(provider: ProviderId, input: &SettingsInput) -> Result<ValidSettings, AppError> {
    let client_id = printable("client_id", "Client id", &input.client_id, 512, false)?;
    if let Some(secret) = &input.client_secret {
        printable("client_secret", "Client secret", secret, 1024, false)?;
    }
    let scopes = printable("scopes", "Scopes", &input.scopes, 1024, true)?;
    if scopes.is_empty() {
        return Err(AppError::invalid("scopes", "Enter at least one scope."));
    }
    let uses_graph = matches!(provider, ProviderId::Facebook | ProviderId::Instagram);
    let graph_version = if uses_graph {
        let v = input.graph_version.trim();
        let ok = v
            .strip_prefix('v')
            .and_then(|r| r.split_once('.'))
            .is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && a.chars().all(|c| c.is_ascii_digit())
                    && b.chars().all(|c| c.is_ascii_digit())
            });
        if !ok {
            return Err(AppError::invalid(
                "graph_version",
                "Graph API version looks like v23.0.",
            ));
        }
        Some(v.to_owned())
    } else {
        None
    };
    let version = graph_version.as_deref().unwrap_or("v0.0");
    if provider == ProviderId::Google {
        let issuer = endpoint("issuer", "OpenID Connect issuer", &input.issuer, version)?;
        if issuer.contains('?') {
            return Err(AppError::invalid(
                "issuer",
                "OpenID Connect issuer: the URL must not have a query.",
            ));
        }
        return Ok(ValidSettings {
            enabled: input.enabled,
            client_id,
            scopes,
            authorize_url: String::new(),
            token_url: String::new(),
            profile_url: String::new(),
            revoke_url: None,
            graph_version,
            issuer: Some(issuer.trim_end_matches('/').to_owned()),
        });
    }
    let revoke_url = match input.revoke_url.trim() {
        "" => None,
        raw => Some(endpoint("revoke_url", "Revoke URL", raw, version)?),
    };
    Ok(ValidSettings {
        enabled: input.enabled,
        client_id,
        scopes,
        authorize_url: endpoint(
            "authorize_url",
            "Authorize URL",
            &input.authorize_url,
            version,
        )?,
        token_url: endpoint("token_url", "Token URL", &input.token_url, version)?,
        profile_url: endpoint("profile_url", "Profile URL", &input.profile_url, version)?,
        revoke_url,
        graph_version,
        issuer: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facebook() -> SettingsInput {
        SettingsInput {
            enabled: true,
            client_id: "123".into(),
            client_secret: Some("s".into()),
            scopes: "public_profile,email".into(),
            authorize_url: "https://www.facebook.com/{version}/dialog/oauth".into(),
            token_url: "https://graph.facebook.com/{version}/oauth/access_token".into(),
            profile_url: "https://graph.facebook.com/{version}/me".into(),
            revoke_url: String::new(),
            graph_version: "v23.0".into(),
            issuer: String::new(),
        }
    }

    #[test]
    fn good_settings_pass() {
        assert!(check(ProviderId::Facebook, &facebook()).is_ok());
        let local = SettingsInput {
            token_url: "http://127.0.0.1:3801/facebook/graph/{version}/oauth/access_token".into(),
            ..facebook()
        };
        assert!(check(ProviderId::Facebook, &local).is_ok());
    }

    #[test]
    fn bad_values_name_their_field() {
        let cases = [
            (
                SettingsInput {
                    token_url: "not a url".into(),
                    ..facebook()
                },
                "token_url",
            ),
            (
                SettingsInput {
                    token_url: "http://graph.facebook.com/x".into(),
                    ..facebook()
                },
                "token_url",
            ),
            (
                SettingsInput {
                    authorize_url: "ftp://x.example/".into(),
                    ..facebook()
                },
                "authorize_url",
            ),
            (
                SettingsInput {
                    graph_version: "23".into(),
                    ..facebook()
                },
                "graph_version",
            ),
            (
                SettingsInput {
                    client_id: "a b".into(),
                    ..facebook()
                },
                "client_id",
            ),
            (
                SettingsInput {
                    scopes: " ".into(),
                    ..facebook()
                },
                "scopes",
            ),
        ];
        for (input, field) in cases {
            let err = check(ProviderId::Facebook, &input)
                .err()
                .map(|e| e.field().map(str::to_owned));
            assert_eq!(err, Some(Some(field.to_owned())));
        }
        let google = SettingsInput {
            issuer: "accounts.google.com".into(),
            ..facebook()
        };
        assert_eq!(
            check(ProviderId::Google, &google)
                .err()
                .and_then(|e| e.field().map(str::to_owned))
                .as_deref(),
            Some("issuer")
        );
    }
}
