//! The server-side guard of the pages: every page request learns who is signed in (for the
//! renderer, see `app::accounts::guard`); a visitor asking for a settings or admin page is sent
//! to sign in (and back afterwards); a non-admin asking for an admin page gets 403; someone
//! already signed in who opens the sign-in or sign-up page is sent on, where signing in would
//! have taken them (`next`, when it stays on the site, else the profile).

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::accounts::guard::SessionUser;
use app::accounts::session::session_user;
use app::accounts::validate::{encode_query_value, safe_next};
use app::error::AppError;
use app::flash::PageFlash;
use app::state::AppState;

/// Attaches the session's user to page requests and guards `/settings…` and `/admin…`.
pub async fn guard_pages(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    // Only page loads are guarded: a POST is a server function (which checks its own user) or
    // a form route that does (connect), or Meta's callbacks, which have no session and prove
    // themselves with a signature. `/connect/deletion/{code}` is public on purpose.
    if req.method() != Method::GET || super::is_file_or_data_path(path) {
        return next.run(req).await;
    }
    let admin_only = is_under(path, "/admin");
    let protected = admin_only || is_under(path, "/settings");
    let user = match session_user(&session, &state.db).await {
        Ok(user) => user,
        // The session lives in the database: while it is away, a page that says so (503, try
        // again) rather than a bare error.
        Err(AppError::Unavailable) => {
            tracing::warn!("page refused: database unreachable");
            return unavailable_page();
        }
        Err(err) => return err.into_response(),
    };
    if user.is_some() && is_sign_in_page(path) {
        return Redirect::to(&onward(req.uri().query())).into_response();
    }
    let forbidden = admin_only && user.as_ref().is_some_and(|u| !u.is_admin);
    if protected && user.is_none() {
        let here = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or(path);
        return Redirect::to(&format!("/signin?next={}", encode_query_value(here))).into_response();
    }
    // The one-time message for this page (how a connect ended, what a plain form post
    // answered); a session that cannot be read shows the page without it.
    let flash = app::flash::store::take(&session).await.unwrap_or_default();
    req.extensions_mut().insert(SessionUser(user));
    req.extensions_mut().insert(PageFlash(flash));
    let mut res = next.run(req).await;
    if forbidden {
        *res.status_mut() = AppError::Forbidden.status();
    }
    res
}

/// The page shown while the database is unreachable. Plain HTML without our stylesheet or
/// scripts: it must not depend on anything but this process. Browsers and balancers are asked
/// to come back after `AppError::retry_after_secs`.
fn unavailable_page() -> Response {
    super::error_page::error_page(
        "Unavailable for a moment",
        &AppError::Unavailable,
        ("", "Try again"),
    )
}

fn is_sign_in_page(path: &str) -> bool {
    matches!(path, "/signin" | "/signup")
}

/// Where a signed-in user opening the sign-in or sign-up page goes: the query's `next` when
/// it stays on the site and is not one of these pages again, else the profile.
fn onward(query: Option<&str>) -> String {
    let next = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(key, _)| key == "next")
            .map(|(_, value)| value.into_owned())
    });
    let target = safe_next(next.as_deref());
    let target_path = target.split(['?', '#']).next().unwrap_or_default();
    if is_sign_in_page(target_path) {
        safe_next(None)
    } else {
        target
    }
}

fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::onward;

    #[test]
    fn a_signed_in_user_goes_on_to_a_local_next_only() {
        assert_eq!(onward(None), "/settings/profile");
        assert_eq!(
            onward(Some("next=%2Fsettings%2Fapplications%3Ftab%3D1")),
            "/settings/applications?tab=1"
        );
        assert_eq!(onward(Some("next=//evil.example")), "/settings/profile");
        assert_eq!(
            onward(Some("next=https://evil.example/")),
            "/settings/profile"
        );
        assert_eq!(
            onward(Some("next=/signin?next=/signup")),
            "/settings/profile"
        );
    }
}
