//! Request middleware: security headers and the pages' CSP, one address for the site,
//! per-client rate limits, cross-site request refusal, session activity, plain form posts, the
//! page guards and pages sent whole.

mod canonical_host;
mod cross_site;
mod error_page;
mod page_guard;
mod plain_forms;
mod rate_limit;
mod security_headers;
mod session_activity;
mod too_many_page;
mod whole_pages;

pub use canonical_host::redirect_to_canonical_host;
pub use cross_site::refuse_cross_site;
pub use page_guard::guard_pages;
pub use plain_forms::remember_plain_posts;
pub use rate_limit::{ClientLimits, limit_rates};
pub use security_headers::add_security_headers;
pub use session_activity::note_session_activity;
pub use whole_pages::{PAGE_RENDER_LIMIT, WholePagesLayer};

/// Paths that never render a page: static files, server functions, pictures, the health
/// check. The page guard and whole-page collection both pass them straight on.
fn is_file_or_data_path(path: &str) -> bool {
    ["/pkg/", "/api/", "/avatars/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || path == "/healthz"
}
