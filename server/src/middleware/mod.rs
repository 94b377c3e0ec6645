//! Request middleware: cross-site request refusal, session activity and the page guards.

mod cross_site;
mod page_guard;
mod session_activity;

pub use cross_site::refuse_cross_site;
pub use page_guard::guard_pages;
pub use session_activity::note_session_activity;
