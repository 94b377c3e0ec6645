//! SeaORM entities, one module per table.

pub mod connected_account;
pub mod oauth_state;
pub mod provider_settings;
pub mod session;
pub mod user;
