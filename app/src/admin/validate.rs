//! Checks of an admin's provider settings, with a message per field.

use super::ProviderSettingsInput;
use crate::connections::ProviderSettings;
use crate::connections::provider_store::NewProviderRow;
use crate::connections::providers::check_endpoint;
use crate::error::AppError;

/// Checks every field of `input`; `secret_saved` says whether a secret is already stored (an
/// offered provider needs one). Returns the normalised row to store, or every field's problem
/// at once, in the order of the form.
pub fn check(
    input: &ProviderSettingsInput,
    secret_saved: bool,
) -> Result<NewProviderRow, AppError> {
    let offer = check_offer(input, secret_saved);
    let client_id = printable("client_id", "Client id", &input.client_id, 512);
    let client_secret = match input.client_secret.as_deref() {
        Some(secret) if !secret.trim().is_empty() => client_secret(secret).map(Some),
        _ => Ok(None),
    };
    let settings = check_settings(input);
    match (offer, client_id, client_secret, settings) {
        (Ok(()), Ok(client_id), Ok(client_secret), Ok(settings)) => Ok(NewProviderRow {
            enabled: input.enabled,
            client_id,
            client_secret,
            settings,
        }),
        (offer, client_id, client_secret, settings) => Err(gathered([
            offer.err(),
            client_id.err(),
            client_secret.err(),
            settings.err(),
        ])),
    }
}

/// Several checks' errors as one (at least one of them is an error).
fn gathered<const N: usize>(errors: [Option<AppError>; N]) -> AppError {
    AppError::gather(errors.into_iter().flatten()).unwrap_or(AppError::Internal)
}

/// An offered provider needs a client id and a secret (given now, or saved before). A value
/// given but malformed is reported on its own field, not here.
fn check_offer(input: &ProviderSettingsInput, secret_saved: bool) -> Result<(), AppError> {
    let secret_given = input
        .client_secret
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    if input.enabled && (input.client_id.trim().is_empty() || !(secret_given || secret_saved)) {
        return Err(AppError::invalid(
            "enabled",
            format!(
                "Enter the {} client id and secret before offering it to users.",
                input.provider.label()
            ),
        ));
    }
    Ok(())
}

/// The scopes and endpoints: the ones this provider uses are required, the others cleared.
/// Every field's problem is reported at once.
fn check_settings(input: &ProviderSettingsInput) -> Result<ProviderSettings, AppError> {
    let provider = input.provider;
    let given = &input.settings;
    let mut problems = Vec::new();
    let mut keep = |checked: Result<String, AppError>| {
        checked.unwrap_or_else(|err| {
            problems.push(err);
            String::new()
        })
    };
    // The URLs are checked with the version as given, so that a bad version is reported once,
    // on its own field.
    let version = given.graph_version.trim();
    let mut settings = ProviderSettings {
        scopes: keep(check_scopes(&given.scopes)),
        ..ProviderSettings::default()
    };
    if provider.uses_discovery() {
        settings.issuer = keep(check_issuer(&given.issuer, version));
    } else {
        let url = |field: &str, label: &str, value: &str| endpoint(field, label, value, version);
        settings.authorize_url = keep(url("authorize_url", "Authorize URL", &given.authorize_url));
        settings.token_url = keep(url("token_url", "Token URL", &given.token_url));
        settings.profile_url = keep(url("profile_url", "Profile URL", &given.profile_url));
        if !given.revoke_url.trim().is_empty() {
            settings.revoke_url = keep(url("revoke_url", "Revoke URL", &given.revoke_url));
        }
    }
    if provider.uses_graph_version() {
        settings.graph_version = keep(graph_version(&given.graph_version));
    }
    match AppError::gather(problems) {
        None => Ok(settings),
        Some(err) => Err(err),
    }
}

/// At least one scope, of bounded length, without control characters.
fn check_scopes(raw: &str) -> Result<String, AppError> {
    let scopes = raw.trim();
    if scopes.is_empty() {
        return Err(AppError::invalid("scopes", "Enter at least one scope."));
    }
    if scopes.chars().count() > 1024 || scopes.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "scopes",
            "Scopes are too long or contain characters that are not allowed.",
        ));
    }
    Ok(scopes.to_owned())
}

/// An OpenID Connect issuer: an endpoint URL without a query, kept without a trailing slash.
fn check_issuer(raw: &str, version: &str) -> Result<String, AppError> {
    let issuer = endpoint("issuer", "OpenID Connect issuer", raw, version)?;
    if issuer.contains('?') {
        return Err(AppError::invalid(
            "issuer",
            "OpenID Connect issuer: the URL must not have a query.",
        ));
    }
    Ok(issuer.trim_end_matches('/').to_owned())
}

/// A value without spaces or control characters, at most `max` characters.
fn printable(field: &str, label: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("{label} is too long (at most {max} characters)."),
        ));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(AppError::invalid(
            field,
            format!("{label} contains characters that are not allowed."),
        ));
    }
    Ok(value.to_owned())
}

/// A client secret is kept exactly as given: RFC 6749 (Appendix A, VSCHAR) allows every
/// printable ASCII character in it, spaces included; clients form-encode it for HTTP Basic
/// (§2.3.1). Only characters outside that set are refused.
fn client_secret(value: &str) -> Result<String, AppError> {
    if value.chars().count() > 1024 {
        return Err(AppError::invalid(
            "client_secret",
            "Client secret is too long (at most 1024 characters).",
        ));
    }
    if !value.chars().all(|c| (' '..='~').contains(&c)) {
        return Err(AppError::invalid(
            "client_secret",
            "Client secret may only hold printable ASCII characters (spaces are fine).",
        ));
    }
    Ok(value.to_owned())
}

/// A Graph API version such as `v23.0`.
fn graph_version(raw: &str) -> Result<String, AppError> {
    let v = raw.trim();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let ok = v
        .strip_prefix('v')
        .and_then(|r| r.split_once('.'))
        .is_some_and(|(major, minor)| digits(major) && digits(minor));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(AppError::invalid(
            "graph_version",
            "Graph API version looks like v23.0.",
        ))
    }
}

/// An endpoint URL, checked as every endpoint is (`check_endpoint`, which discovery documents
/// pass too), with `{version}` filled in; kept as typed.
fn endpoint(field: &str, label: &str, raw: &str, version: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    check_endpoint(&raw.replace("{version}", version))
        .map_err(|why| AppError::invalid(field, format!("{label}: {why}")))?;
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connections::ProviderId;

    fn facebook() -> ProviderSettingsInput {
        ProviderSettingsInput {
            provider: ProviderId::Facebook,
            enabled: true,
            client_id: "123".into(),
            client_secret: Some("s".into()),
            settings: ProviderSettings {
                scopes: "public_profile,email".into(),
                authorize_url: "https://www.facebook.com/{version}/dialog/oauth".into(),
                token_url: "https://graph.facebook.com/{version}/oauth/access_token".into(),
                profile_url: "https://graph.facebook.com/{version}/me".into(),
                graph_version: "v23.0".into(),
                ..ProviderSettings::default()
            },
            confirm_disable: false,
        }
    }

    fn with(change: impl FnOnce(&mut ProviderSettingsInput)) -> ProviderSettingsInput {
        let mut input = facebook();
        change(&mut input);
        input
    }

    fn field_of(input: &ProviderSettingsInput) -> Option<String> {
        check(input, false)
            .err()
            .and_then(|e| e.field().map(str::to_owned))
    }

    #[test]
    fn good_settings_pass() {
        assert!(check(&facebook(), false).is_ok());
        let local = with(|i| {
            i.settings.token_url =
                "http://127.0.0.1:3801/facebook/graph/{version}/oauth/access_token".into();
        });
        assert!(check(&local, false).is_ok());
    }

    #[test]
    fn bad_values_name_their_field() {
        let cases = [
            (
                with(|i| i.settings.token_url = "not a url".into()),
                "token_url",
            ),
            (
                with(|i| i.settings.token_url = "http://graph.facebook.com/x".into()),
                "token_url",
            ),
            (
                with(|i| i.settings.authorize_url = "ftp://x.example/".into()),
                "authorize_url",
            ),
            (
                with(|i| i.settings.graph_version = "23".into()),
                "graph_version",
            ),
            (with(|i| i.client_id = "a b".into()), "client_id"),
            (with(|i| i.settings.scopes = " ".into()), "scopes"),
            (with(|i| i.client_secret = None), "enabled"),
        ];
        for (input, field) in cases {
            assert_eq!(field_of(&input).as_deref(), Some(field), "{input:?}");
        }
        let google = with(|i| {
            i.provider = ProviderId::Google;
            i.settings.issuer = "accounts.google.com".into();
        });
        assert_eq!(field_of(&google).as_deref(), Some("issuer"));
    }

    #[test]
    fn a_secret_keeps_every_printable_character_including_spaces() {
        let secret = " s3cret with spaces & symbols: %+/=~ ";
        let checked = check(&with(|i| i.client_secret = Some(secret.into())), false).unwrap();
        assert_eq!(checked.client_secret.as_deref(), Some(secret));
        for bad in ["tab\there", "line\nbreak", "caf\u{e9}"] {
            assert!(
                check(&with(|i| i.client_secret = Some(bad.into())), false).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once_in_form_order() {
        let input = with(|i| {
            i.client_id = "a b".into();
            i.settings.token_url = "nope".into();
            i.settings.graph_version = "23".into();
        });
        let err = check(&input, false).err().unwrap_or(AppError::Internal);
        let AppError::InvalidFields(fields) = err else {
            panic!("expected several field errors, got {err:?}");
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["client_id", "token_url", "graph_version"]);
    }

    #[test]
    fn a_saved_secret_is_enough_to_offer_a_provider() {
        assert!(check(&with(|i| i.client_secret = Some("  ".into())), true).is_ok());
    }
}
