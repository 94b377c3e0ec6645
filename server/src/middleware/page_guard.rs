//! The server-side guard of the protected pages: a visitor asking for a settings or admin page
//! is sent to sign in (and back afterwards); a non-admin asking for an admin page gets 403. The
//! components show the same outcome after client-side navigation.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::accounts::server::session_user;
use app::accounts::validate::encode_query_value;
use app::state::AppState;

/// Guards `GET /settings…` and `GET /admin…`.
pub async fn guard_pages(State(state): State<AppState>, session: Session, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let admin_only = is_under(path, "/admin");
    if req.method() != Method::GET || !(admin_only || is_under(path, "/settings")) {
        return next.run(req).await;
    }
    let user = match session_user(&session, &state.db).await {
        Ok(user) => user,
        Err(err) => return err.into_response(),
    };
    match user {
        None => {
            let here = req.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or(path);
            Redirect::to(&format!("/signin?next={}", encode_query_value(here))).into_response()
        }
        Some(user) if admin_only && !user.is_admin() => {
            let mut res = next.run(req).await;
            *res.status_mut() = StatusCode::FORBIDDEN;
            res
        }
        Some(_) => next.run(req).await,
    }
}

fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}
