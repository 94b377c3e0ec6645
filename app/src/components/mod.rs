//! Small building blocks shared by every page.

mod alert;
mod avatar;
mod confirm;
mod field;
mod hydrated;
mod status_pages;

pub use alert::{ErrorAlert, Flash};
pub use avatar::{Avatar, initials};
pub use confirm::Confirm;
pub use field::TextField;
pub use hydrated::mark_hydrated;
pub use status_pages::{Forbidden, NotFound};
