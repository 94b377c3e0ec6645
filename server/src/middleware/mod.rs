//! Request middleware: cross-site request refusal, the page guards, and plain form posts.

mod cross_site;
mod page_guard;
mod plain_forms;

pub use cross_site::refuse_cross_site;
pub use page_guard::guard_pages;
pub use plain_forms::remember_plain_posts;
