//! The settings area: a layout with navigation, the Profile page (with the password, the
//! signed-in sessions and deleting the account).

#[cfg(feature = "ssr")]
pub mod account_deletion;
pub mod api;
mod delete_account_form;
mod layout;
mod password_form;
mod profile;
mod session_list;

pub use layout::SettingsLayout;
pub use profile::ProfilePage;
