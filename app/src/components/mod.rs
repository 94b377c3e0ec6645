//! Small building blocks shared by every page.

mod alert;
mod avatar;
mod confirm;
mod field;
mod hydrated;
mod provider_mark;
mod status_pages;

pub use alert::{ErrorAlert, Flash, TRANSIENT_FOR, TransientFlash};
pub use avatar::{Avatar, initials};
pub use confirm::Confirm;
pub use field::{CheckField, TextField};
pub use hydrated::mark_hydrated;
pub use provider_mark::ProviderMark;
pub use status_pages::{Forbidden, NotFound};
