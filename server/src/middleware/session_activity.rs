//! Keeps a used session alive: at most once a minute per session, a request of a signed-in
//! user writes down that the session is in use, which moves its inactivity expiry on (row and
//! cookie) and its `last_seen_at` for the list of sessions on the Profile page.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

use app::accounts::session::note_activity;
use app::state::AppState;

/// Notes the activity of the request's session, if it carries one and asks for more than a
/// static file. A failure is logged: it must not fail the request.
pub async fn note_session_activity(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    // No cookie, no lookup: visitors and Meta's callbacks cost nothing here. Assets, pictures
    // and the health check say nothing about a person using the app.
    let counts = session.id().is_some()
        && !path.starts_with("/pkg/")
        && !path.starts_with("/avatars/")
        && path != "/healthz";
    if counts && let Err(err) = note_activity(&session, state.site.sessions.touch_every).await {
        tracing::warn!(error = %err, "could not note session activity");
    }
    next.run(req).await
}
