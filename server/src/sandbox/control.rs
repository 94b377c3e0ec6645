//! `/_sandbox/*`: the HTTP control surface for out-of-process tests (Playwright).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Core, Endpoint, Fault, PROVIDERS, util};

/// Routes of the control surface.
pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new()
        .route("/_sandbox/faults", post(set_fault).delete(clear_faults))
        .route("/_sandbox/revocations", get(revocations))
}

/// `{"provider":"x","endpoint":"token","fault":{"delay_ms":12000}}`.
#[derive(Deserialize)]
struct FaultRequest {
    provider: String,
    endpoint: String,
    fault: FaultSpec,
}

/// `{"delay_ms":…}` | `{"status":…}` | `"malformed_json"` | `"missing_fields"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum FaultSpec {
    Delay { delay_ms: u64 },
    Status { status: u16 },
    Named(String),
}

fn bad_request(message: &str) -> Response {
    util::json(StatusCode::BAD_REQUEST, json!({ "error": message }))
}

async fn set_fault(State(core): State<Arc<Core>>, body: axum::body::Bytes) -> Response {
    let request: FaultRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => return bad_request(&format!("invalid fault request: {error}")),
    };
    if !PROVIDERS.contains(&request.provider.as_str()) {
        return bad_request("unknown provider");
    }
    let endpoint = match request.endpoint.as_str() {
        "token" => Endpoint::Token,
        "long_lived_token" => Endpoint::LongLivedToken,
        "profile" => Endpoint::Profile,
        "revoke" => Endpoint::Revoke,
        "discovery" => Endpoint::Discovery,
        "jwks" => Endpoint::Jwks,
        _ => return bad_request("unknown endpoint"),
    };
    let fault = match request.fault {
        FaultSpec::Delay { delay_ms } => Fault::Delay(Duration::from_millis(delay_ms)),
        FaultSpec::Status { status } if (100..=599).contains(&status) => Fault::Status(status),
        FaultSpec::Status { .. } => return bad_request("status must be 100–599"),
        FaultSpec::Named(name) if name == "malformed_json" => Fault::MalformedJson,
        FaultSpec::Named(name) if name == "missing_fields" => Fault::MissingFields,
        FaultSpec::Named(_) => return bad_request("unknown fault"),
    };
    tracing::info!(provider = %request.provider, ?endpoint, ?fault, "sandbox fault installed");
    core.store.set_fault(&request.provider, endpoint, fault);
    util::json(StatusCode::OK, json!({ "ok": true }))
}

async fn clear_faults(State(core): State<Arc<Core>>) -> Response {
    core.store.clear_faults();
    util::json(StatusCode::OK, json!({ "ok": true }))
}

async fn revocations(State(core): State<Arc<Core>>) -> Response {
    let map: Map<String, Value> = PROVIDERS
        .iter()
        .map(|p| ((*p).to_owned(), json!(core.store.revoked_tokens(p))))
        .collect();
    util::json(StatusCode::OK, Value::Object(map))
}
