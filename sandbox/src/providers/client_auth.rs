//! Client authentication at an OpenID provider's token and revocation endpoints, by the methods
//! its discovery document lists (RFC 6749 §2.3.1, RFC 8414 §2, RFC 7009 §2.1).

use app::connections::ProviderId;
use axum::http::StatusCode;
use axum::response::Response;

use super::{Call, known_client};
use crate::Core;
use crate::openid::ClientAuth;
use crate::util::{self, oauth_error};

/// Accepts the request only when it authenticates `provider`'s client by one of `accepted`,
/// and by one method only (RFC 6749 §2.3: "MUST NOT use more than one").
pub(crate) fn authenticate(
    core: &Core,
    call: &Call,
    provider: ProviderId,
    accepted: &[ClientAuth],
) -> Result<(), Response> {
    let invalid_client = || oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized");
    let basic = util::basic_auth(&call.headers);
    let body_id = util::param(&call.body, "client_id");
    let body_secret = util::param(&call.body, "client_secret");
    let (method, id, secret) = match (basic, body_secret) {
        (Some(_), Some(_)) => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Only one client authentication method may be used.",
            ));
        }
        (Some((id, _)), None) if body_id.is_some_and(|b| b != id) => return Err(invalid_client()),
        (Some((id, secret)), None) => (ClientAuth::Basic, id, secret),
        (None, Some(secret)) => match body_id {
            Some(id) => (ClientAuth::Post, id.to_owned(), secret.to_owned()),
            None => return Err(invalid_client()),
        },
        (None, None) => {
            let message = "Could not determine client ID from request.";
            return Err(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                message,
            ));
        }
    };
    if !accepted.contains(&method) {
        let message = format!("{} is not accepted here.", method.as_str());
        return Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            &message,
        ));
    }
    known_client(core, provider, &id, &secret)
        .then_some(())
        .ok_or_else(invalid_client)
}
