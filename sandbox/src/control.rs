//! `/_sandbox/*`: the HTTP control surface for out-of-process tests (Playwright). Faults,
//! revocations and expiring tokens need the control token printed at start (`Authorization: Bearer …`); the
//! endpoints document is public, so tests learn the URL layout instead of copying it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use app::connections::{ProviderId, ProviderSettings};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::faults::{Endpoint, Fault, Hostile};
use crate::spec::SPECS;
use crate::{Core, Sandbox, util};

/// Routes of the control surface; all but `/_sandbox/endpoints` demand the control token.
pub(crate) fn routes(core: &Arc<Core>) -> Router<Arc<Core>> {
    let guarded = Router::new()
        .route("/_sandbox/faults", post(set_fault).delete(clear_faults))
        .route("/_sandbox/revocations", get(revocations))
        .route("/_sandbox/tokens/expire", post(expire_tokens))
        .route("/_sandbox/picture_lifetime", post(set_picture_lifetime))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(core),
            require_token,
        ));
    Router::new()
        .route("/_sandbox/endpoints", get(endpoints))
        .merge(guarded)
}

/// Refuses a request without `Authorization: Bearer {control token}` with a 401.
async fn require_token(State(core): State<Arc<Core>>, request: Request, next: Next) -> Response {
    let given = util::bearer(request.headers()).unwrap_or_default();
    // Compare digests, so the comparison time says nothing about the token.
    if Sha256::digest(given.as_bytes()) == Sha256::digest(core.control_token.as_bytes()) {
        next.run(request).await
    } else {
        let message =
            "the sandbox control token is missing or wrong (see the server's start-up log)";
        util::json(StatusCode::UNAUTHORIZED, json!({ "error": message }))
    }
}

/// One provider in `/_sandbox/endpoints`: its settings, client and consent page.
#[derive(Serialize)]
struct ProviderEntry {
    #[serde(flatten)]
    settings: ProviderSettings,
    client_id: String,
    client_secret: String,
    /// Where the consent page is (Facebook's with the literal `{version}`).
    consent_url: String,
}

/// `GET /_sandbox/endpoints`: `{ "facebook": {…}, "x": {…}, … }`.
async fn endpoints(State(core): State<Arc<Core>>) -> Response {
    let entries: BTreeMap<&str, ProviderEntry> = SPECS
        .iter()
        .map(|spec| {
            let settings = spec.settings(&core.base);
            let entry = ProviderEntry {
                consent_url: settings.authorize_url.clone(),
                settings,
                client_id: Sandbox::client_id(spec.id),
                client_secret: Sandbox::client_secret(spec.id),
            };
            (spec.id.slug(), entry)
        })
        .collect();
    util::json(StatusCode::OK, json!(entries))
}

/// `{"provider":"x","endpoint":"token","fault":{"delay_ms":12000}}`.
#[derive(Deserialize)]
struct FaultRequest {
    provider: ProviderId,
    endpoint: String,
    fault: FaultSpec,
}

/// `{"delay_ms":…}` | `{"status":…}` | `{"redirect":"https://…"}` | `"malformed_json"` |
/// `"missing_fields"` | `"huge_body"` | `"html"` | `"svg_with_script"` | `"hostile_strings"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum FaultSpec {
    Delay { delay_ms: u64 },
    Status { status: u16 },
    Redirect { redirect: String },
    Named(String),
}

impl FaultSpec {
    fn fault(self) -> Result<Fault, &'static str> {
        match self {
            Self::Delay { delay_ms } => Ok(Fault::Delay(Duration::from_millis(delay_ms))),
            Self::Status { status } if (100..=599).contains(&status) => Ok(Fault::Status(status)),
            Self::Status { .. } => Err("status must be 100–599"),
            Self::Named(name) if name == "malformed_json" => Ok(Fault::MalformedJson),
            Self::Named(name) if name == "missing_fields" => Ok(Fault::MissingFields),
            Self::Named(name) if name == "hostile_strings" => Ok(Fault::HostileStrings),
            Self::Redirect { redirect } => Ok(Fault::Hostile(Hostile::Redirect(redirect))),
            Self::Named(name) => match name.as_str() {
                "huge_body" => Ok(Fault::Hostile(Hostile::HugeBody)),
                "html" => Ok(Fault::Hostile(Hostile::Html)),
                "svg_with_script" => Ok(Fault::Hostile(Hostile::SvgWithScript)),
                _ => Err("unknown fault"),
            },
        }
    }
}

fn bad_request(message: &str) -> Response {
    util::json(StatusCode::BAD_REQUEST, json!({ "error": message }))
}

async fn set_fault(State(core): State<Arc<Core>>, body: axum::body::Bytes) -> Response {
    let request: FaultRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => return bad_request(&format!("invalid fault request: {error}")),
    };
    let Some(endpoint) = Endpoint::from_name(&request.endpoint) else {
        return bad_request("unknown endpoint");
    };
    let fault = match request.fault.fault() {
        Ok(fault) => fault,
        Err(message) => return bad_request(message),
    };
    tracing::info!(provider = %request.provider.slug(), ?endpoint, ?fault, "sandbox fault installed");
    core.store.set_fault(request.provider, endpoint, fault);
    util::json(StatusCode::OK, json!({ "ok": true }))
}

async fn clear_faults(State(core): State<Arc<Core>>) -> Response {
    core.store.clear_faults();
    util::json(StatusCode::OK, json!({ "ok": true }))
}

async fn revocations(State(core): State<Arc<Core>>) -> Response {
    let map: serde_json::Map<String, Value> = ProviderId::ALL
        .iter()
        .map(|p| (p.slug().to_owned(), json!(core.store.revoked_tokens(*p))))
        .collect();
    util::json(StatusCode::OK, Value::Object(map))
}

/// `{"provider":"x"}`.
#[derive(Deserialize)]
struct ProviderRequest {
    provider: ProviderId,
}

/// `POST /_sandbox/tokens/expire`: ends every live access token of the provider now, as time
/// would (refresh tokens live on). Answers `{"expired": n}`.
async fn expire_tokens(State(core): State<Arc<Core>>, body: axum::body::Bytes) -> Response {
    let request: ProviderRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => return bad_request(&format!("invalid request: {error}")),
    };
    let expired = core.store.expire_access_tokens(request.provider);
    tracing::info!(provider = %request.provider.slug(), expired, "sandbox tokens expired");
    util::json(StatusCode::OK, json!({ "expired": expired }))
}

/// `{"seconds": 1}`: how long picture URLs handed out from now on work.
#[derive(Deserialize)]
struct LifetimeRequest {
    seconds: u64,
}

async fn set_picture_lifetime(State(core): State<Arc<Core>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<LifetimeRequest>(&body) {
        Ok(request) => {
            core.store
                .set_picture_lifetime(Duration::from_secs(request.seconds));
            util::json(StatusCode::OK, json!({ "ok": true }))
        }
        Err(error) => bad_request(&format!("invalid lifetime request: {error}")),
    }
}
