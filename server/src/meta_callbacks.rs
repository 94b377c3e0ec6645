//! Meta's server-to-server callbacks for Facebook and Instagram:
//! `POST /auth/{provider}/deauthorize` (the person removed the app) and
//! `POST /auth/{provider}/data-deletion` (the person asked for their data to be deleted), each
//! with a form field `signed_request`. The domain is `app::connections::provider_removal`; its
//! `RemovalError::as_error` decides the answer to a refusal (400, 404 for X and Google), and
//! nothing is changed then.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use app::connections::ProviderId;
use app::connections::provider_removal::{
    RemovalError, delete_provider_data, mark_removed_by_provider, verify_callback,
};
use app::state::AppState;

/// The person removed the app at the provider: their link becomes a tombstone. An unknown
/// account is acknowledged too (200), since Meta retries what is not.
pub async fn deauthorize(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    answer(&state, &slug, &body, MetaCallback::Deauthorize).await
}

/// The person asked the provider to have their data deleted: the link goes, and the answer is
/// what Meta requires, `{"url": …, "confirmation_code": …}`.
pub async fn data_deletion(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    answer(&state, &slug, &body, MetaCallback::DataDeletion).await
}

#[derive(Clone, Copy, Debug)]
enum MetaCallback {
    Deauthorize,
    DataDeletion,
}

/// Verifies the `signed_request` with the provider's app secret, then acts on it.
async fn answer(state: &AppState, slug: &str, body: &[u8], kind: MetaCallback) -> Response {
    let result = async {
        let provider = provider(slug)?;
        let request = verify_callback(state, provider, signed_request(body).as_deref()).await?;
        let response = match kind {
            MetaCallback::Deauthorize => {
                let changed = mark_removed_by_provider(state, provider, &request.user_id).await?;
                tracing::info!(provider = slug, changed, "deauthorize callback");
                StatusCode::OK.into_response()
            }
            MetaCallback::DataDeletion => {
                let receipt = delete_provider_data(state, provider, &request.user_id).await?;
                tracing::info!(provider = slug, "data-deletion callback");
                Json(receipt).into_response()
            }
        };
        Ok::<_, RemovalError>(response)
    };
    result.await.unwrap_or_else(|err| refuse(slug, &err))
}

fn provider(slug: &str) -> Result<ProviderId, RemovalError> {
    ProviderId::from_slug(slug).ok_or(RemovalError::NotMeta)
}

/// The first `signed_request` of the form body (read by hand, so that any body, even one that
/// is not a form, is answered with our own 400 rather than the extractor's).
fn signed_request(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(key, _)| key == "signed_request")
        .map(|(_, value)| value.into_owned())
}

fn refuse(slug: &str, err: &RemovalError) -> Response {
    tracing::warn!(provider = slug, ?err, "provider callback refused");
    err.as_error().into_response()
}
