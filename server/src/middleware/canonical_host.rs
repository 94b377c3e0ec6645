//! One address for the site. A browser keeps cookies per host, so the same server reached as
//! `localhost:3000` and as `127.0.0.1:3000` holds two sessions, and an OAuth flow started on
//! one comes back (to `PUBLIC_URL`'s redirect URI) on the other, signed out. Page loads on
//! another host are sent to `PUBLIC_URL`'s, with the same path and query; other requests are
//! refused rather than redirected, since a browser would not repeat a form post's body safely.
//!
//! `/healthz` answers on any host: load balancers probe by IP address. Behind a reverse proxy,
//! the proxy must pass the public host on (`Host`, or `X-Forwarded-Host`).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::Url;

use app::state::AppState;

/// Sends requests for another host to `PUBLIC_URL`'s: 308 for GET and HEAD, 421 otherwise.
pub async fn redirect_to_canonical_host(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let public = &state.site.public_url;
    let asked = requested_host(req.headers()).or_else(|| req.uri().authority().map(|a| a.as_str()));
    let elsewhere = asked.is_some_and(|host| !is_host_of(host, public));
    if !elsewhere || req.uri().path() == "/healthz" || !has_usable_host(public) {
        return next.run(req).await;
    }
    let origin = state.site.public_origin();
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
        return match HeaderValue::from_str(&format!("{origin}{path}")) {
            Ok(location) => (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response(),
            Err(_) => StatusCode::BAD_REQUEST.into_response(),
        };
    }
    tracing::info!(method = %req.method(), host = ?asked, "request for another host refused");
    (
        StatusCode::MISDIRECTED_REQUEST,
        format!("This server answers at {origin}. Open it there and try again."),
    )
        .into_response()
}

/// The host the client asked for: a proxy's `X-Forwarded-Host` (its first value), else `Host`.
/// A client may send either; the worst it can do is skip a redirect meant for its own comfort.
fn requested_host(headers: &HeaderMap) -> Option<&str> {
    let value = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    value("x-forwarded-host")
        .and_then(|v| v.split(',').next())
        .or_else(|| value(header::HOST.as_str()))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Whether `host` (`name[:port]` from a request) is `public`'s host and port. Host names are
/// compared without case; a missing port is the scheme's default.
fn is_host_of(host: &str, public: &Url) -> bool {
    let Ok(asked) = Url::parse(&format!("{}://{host}/", public.scheme())) else {
        return false;
    };
    let only_a_host = asked.path() == "/"
        && asked.username().is_empty()
        && asked.password().is_none()
        && asked.query().is_none()
        && asked.fragment().is_none();
    only_a_host
        && asked.host() == public.host()
        && asked.port_or_known_default() == public.port_or_known_default()
}

/// A `PUBLIC_URL` on an unspecified address (`0.0.0.0`, `[::]`, the default when the server
/// binds every interface and `PUBLIC_URL` is unset) names no place a browser can go: nothing is
/// redirected there.
fn has_usable_host(public: &Url) -> bool {
    match public.host() {
        Some(url::Host::Ipv4(ip)) => !ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => !ip.is_unspecified(),
        Some(url::Host::Domain(_)) => true,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(raw: &str) -> Url {
        Url::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
    }

    #[test]
    fn the_same_host_and_port_match_in_any_case() {
        let public = url("http://localhost:3000");
        assert!(is_host_of("localhost:3000", &public));
        assert!(is_host_of("LocalHost:3000", &public));
        assert!(!is_host_of("127.0.0.1:3000", &public));
        assert!(!is_host_of("localhost:3001", &public));
        assert!(!is_host_of("localhost", &public));
        assert!(!is_host_of("localhost:3000/x", &public), "not a host");
        assert!(!is_host_of("me@localhost:3000", &public), "not a host");
    }

    #[test]
    fn a_missing_port_is_the_default_one() {
        let public = url("https://orga.example");
        assert!(is_host_of("orga.example", &public));
        assert!(is_host_of("orga.example:443", &public));
        assert!(!is_host_of("orga.example:80", &public));
        let v6 = url("http://[::1]:3000");
        assert!(is_host_of("[::1]:3000", &v6));
        assert!(!is_host_of("127.0.0.1:3000", &v6));
    }

    #[test]
    fn a_forwarded_host_comes_first() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert_eq!(requested_host(&headers), Some("127.0.0.1:3000"));
        headers.insert(
            "x-forwarded-host",
            HeaderValue::from_static("orga.example, proxy.internal"),
        );
        assert_eq!(requested_host(&headers), Some("orga.example"));
    }

    #[test]
    fn unspecified_addresses_are_not_redirected_to() {
        assert!(!has_usable_host(&url("http://0.0.0.0:3000")));
        assert!(!has_usable_host(&url("http://[::]:3000")));
        assert!(has_usable_host(&url("http://127.0.0.1:3000")));
        assert!(has_usable_host(&url("https://orga.example")));
    }
}
