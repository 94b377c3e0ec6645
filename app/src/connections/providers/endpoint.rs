//! What makes a URL acceptable as a provider endpoint, wherever it comes from: typed by an
//! admin, or read from an issuer's discovery document. One check for both, so a discovery
//! document cannot point the app where an admin could not.

use url::Url;

use super::is_loopback;

/// Longest endpoint accepted (the settings are shown and stored whole).
const MAX_ENDPOINT: usize = 2048;

/// Why a URL is not an acceptable endpoint. The words complete "{label}: …".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EndpointProblem {
    /// Nothing given.
    #[error("enter a URL.")]
    Empty,
    /// Over [`MAX_ENDPOINT`] characters.
    #[error("the URL is too long.")]
    TooLong,
    /// Not an absolute URL.
    #[error("enter a full URL, like https://provider.example/oauth.")]
    NotAUrl,
    /// No host to talk to.
    #[error("the URL needs a host.")]
    NoHost,
    /// Plain http to another machine: tokens and secrets would cross the network in clear.
    #[error("use https:// (plain http is only accepted for localhost).")]
    PlainHttp,
    /// Not http(s).
    #[error("only http(s) URLs are accepted.")]
    Scheme,
    /// A fragment is never sent, and credentials in a URL leak into logs.
    #[error("the URL must not contain a #fragment or credentials.")]
    FragmentOrCredentials,
}

/// `raw` (trimmed) as an endpoint: https with a host; plain http only for this machine (the
/// sandbox); no fragment, no user name or password; at most 2048 characters.
pub fn check_endpoint(raw: &str) -> Result<Url, EndpointProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(EndpointProblem::Empty);
    }
    if raw.len() > MAX_ENDPOINT {
        return Err(EndpointProblem::TooLong);
    }
    let url = Url::parse(raw).map_err(|_| EndpointProblem::NotAUrl)?;
    let Some(host) = url.host() else {
        return Err(EndpointProblem::NoHost);
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => return Err(EndpointProblem::PlainHttp),
        _ => return Err(EndpointProblem::Scheme),
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(EndpointProblem::FragmentOrCredentials);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_is_named() {
        let cases = [
            ("", EndpointProblem::Empty),
            ("not a url", EndpointProblem::NotAUrl),
            ("http://provider.example/token", EndpointProblem::PlainHttp),
            ("ftp://provider.example/token", EndpointProblem::Scheme),
            ("javascript:alert(1)", EndpointProblem::NoHost),
            (
                "https://provider.example/t#x",
                EndpointProblem::FragmentOrCredentials,
            ),
            (
                "https://me:pw@provider.example/t",
                EndpointProblem::FragmentOrCredentials,
            ),
        ];
        for (raw, problem) in cases {
            assert_eq!(check_endpoint(raw), Err(problem), "{raw}");
        }
        let long = format!("https://provider.example/{}", "a".repeat(MAX_ENDPOINT));
        assert_eq!(check_endpoint(&long), Err(EndpointProblem::TooLong));
        assert!(check_endpoint("http://127.0.0.1:3801/google/token").is_ok());
        assert!(check_endpoint("https://oauth2.googleapis.com/token").is_ok());
    }
}
