//! `GET /avatars/{hash}`: a picture we own (see `app::connections::avatars`). Content-addressed,
//! so it never changes: cached for a year, revalidated by its hash as ETag.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait;

use app::connections::avatars::is_avatar_hash;
use app::db::entities::avatar;
use app::state::AppState;

/// The stored PNG; 404 for a malformed or unknown hash.
pub async fn serve_avatar(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    request: HeaderMap,
) -> Response {
    if !is_avatar_hash(&hash) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let etag = format!("\"{hash}\"");
    let found = match avatar::Entity::find_by_id(hash).one(&state.db).await {
        Ok(Some(found)) => found,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "avatar unreadable");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let headers = [
        // Every row is a PNG we encoded; the stored type is not trusted to say otherwise.
        (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        // Opened on its own, the picture gets no powers.
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
    ];
    let revalidating = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if revalidating {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, found.bytes).into_response()
}
