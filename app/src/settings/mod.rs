//! The settings area: a layout with navigation, the Profile page.

pub mod api;
mod layout;
mod profile;

pub use layout::SettingsLayout;
pub use profile::ProfilePage;
