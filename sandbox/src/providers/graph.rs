//! What Facebook's and Instagram's Graph APIs share: the `OAuthException` error envelope,
//! token lookup and the `fields` node answer.
//! <https://developers.facebook.com/docs/graph-api/guides/error-handling>

use app::connections::ProviderId;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::Call;
use crate::faults::Reply;
use crate::store::TokenRecord;
use crate::{Core, util};

/// The Graph API error envelope.
pub(crate) fn graph_error(
    status: StatusCode,
    message: &str,
    code: u32,
    subcode: Option<u32>,
) -> Response {
    let mut error = json!({ "message": message, "type": "OAuthException", "code": code });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    error["fbtrace_id"] = json!(util::fbtrace_id());
    util::json(status, json!({ "error": error }))
}

/// A 400 Graph error without subcode.
pub(crate) fn bad_request(message: &str, code: u32) -> Response {
    graph_error(StatusCode::BAD_REQUEST, message, code, None)
}

/// Graph's answer to an access token it cannot use.
pub(crate) fn invalid_token() -> Response {
    bad_request(
        "Invalid OAuth access token - Cannot parse access token",
        190,
    )
}

/// Graph's answer to an injected status.
pub(crate) fn transient_error(status: StatusCode) -> Response {
    graph_error(
        status,
        "An unexpected error has occurred. Please retry your request later.",
        2,
        None,
    )
}

/// Graph's answer to a path whose version is not `v<major>.<minor>`.
pub(crate) fn bad_version(version: &str) -> Response {
    bad_request(&format!("Unknown path components: /{version}"), 2500)
}

/// The token of a Graph request: `access_token` parameter, else `Authorization: Bearer`.
pub(crate) fn request_token(
    call: &Call,
    params: &std::collections::HashMap<String, String>,
) -> Option<String> {
    util::param(params, "access_token")
        .map(str::to_owned)
        .or_else(|| util::bearer(&call.headers))
}

/// The live access token a profile request carries, or Graph's code 190.
pub(crate) fn caller(
    core: &Core,
    provider: ProviderId,
    call: &Call,
) -> Result<TokenRecord, Response> {
    request_token(call, &call.query)
        .and_then(|token| core.store.access_token(provider, &token))
        .ok_or_else(invalid_token)
}

/// What a node has for one requested field.
pub(crate) enum Field {
    /// This value.
    Value(Value),
    /// Nothing: Graph silently leaves the field out (e.g. `email` without the permission).
    Omitted,
    /// The node type has no such field.
    Unknown,
}

/// The node answer for `requested` fields; the node `id` is always included.
pub(crate) fn node(requested: Vec<String>, id: Value, value_of: impl Fn(&str) -> Field) -> Reply {
    let mut out = Map::new();
    for field in requested {
        match value_of(&field) {
            Field::Value(value) => {
                out.insert(field, value);
            }
            Field::Omitted => {}
            Field::Unknown => {
                let message = format!(
                    "(#100) Tried accessing nonexisting field ({field}) on node type (User)"
                );
                return Err(bad_request(&message, 100));
            }
        }
    }
    out.entry("id").or_insert(id);
    Ok(Value::Object(out))
}
