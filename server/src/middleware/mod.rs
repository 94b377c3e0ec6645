//! Request middleware: one address for the site, cross-site request refusal and the page guards.

mod canonical_host;
mod cross_site;
mod page_guard;

pub use canonical_host::redirect_to_canonical_host;
pub use cross_site::refuse_cross_site;
pub use page_guard::guard_pages;
