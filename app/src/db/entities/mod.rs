//! SeaORM entities, one module per table.

pub mod avatar;
pub mod connected_account;
pub mod data_deletion;
pub mod oauth_state;
pub mod provider_settings;
pub mod session;
pub mod sign_in_failure;
pub mod user;
