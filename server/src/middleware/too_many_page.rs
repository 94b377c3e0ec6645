//! The 429 page a browser gets when a plain form post, a connect or a callback is over its
//! client's quota: the wait in words, `Retry-After`, and a way back. Rendered with Leptos
//! `view!` (escaped by construction), without the app shell: it must stay cheap under a flood.

use axum::response::Response;

use app::error::AppError;

use super::error_page::error_page;
use super::rate_limit::LimitedRoute;

/// Where the person can go back to, and how the link says it.
fn way_back(route: LimitedRoute) -> (&'static str, &'static str) {
    match route {
        LimitedRoute::SignIn => ("/signin", "Back to sign in"),
        LimitedRoute::SignUp => ("/signup", "Back to sign up"),
        LimitedRoute::Connect | LimitedRoute::Callback => {
            ("/settings/applications", "Back to your applications")
        }
        LimitedRoute::AdminSave => ("/admin/social-apps", "Back to social apps"),
    }
}

/// The page for `err` (a `TooManyRequests`), with its status and `Retry-After`.
pub fn too_many_page(route: LimitedRoute, err: &AppError) -> Response {
    error_page("Too many attempts", err, way_back(route))
}
