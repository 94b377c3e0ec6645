//! Request middleware: cross-site request refusal and the page guards.

mod cross_site;
mod page_guard;

pub use cross_site::refuse_cross_site;
pub use page_guard::guard_pages;
