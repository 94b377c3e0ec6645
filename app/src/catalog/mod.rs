//! The providers Orga Connect knows, and what an admin configures for each: the vocabulary
//! every layer shares, from the database columns to the pages. It depends on nothing else in
//! the crate.

mod connect_outcome;
mod link_health;
mod provider_id;
mod provider_settings;

pub use connect_outcome::{ConnectOutcome, UnknownValue};
pub use link_health::{LinkProblem, LinkStatus};
pub use provider_id::{ProviderId, UnknownProvider};
pub use provider_settings::ProviderSettings;
