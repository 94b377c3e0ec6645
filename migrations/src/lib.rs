//! Schema migrations, run at start-up and by `server migrate`.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_users;
mod m20261128_000002_create_sessions;
mod m20261128_000003_create_provider_settings;
mod m20261128_000004_create_oauth_states;
mod m20261128_000005_create_connected_accounts;
mod m20261130_000006_fold_provider_endpoints;
mod m20261130_000007_track_link_health;
mod m20261201_000008_rebuild_sessions;
mod m20261202_000010_create_sign_in_failures;
mod m20261202_000030_mark_demo_provider_settings;
mod m20261202_000040_index_flows_and_sessions;
mod m20261203_000050_announce_provider_settings;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_users::Migration),
            Box::new(m20261128_000002_create_sessions::Migration),
            Box::new(m20261128_000003_create_provider_settings::Migration),
            Box::new(m20261128_000004_create_oauth_states::Migration),
            Box::new(m20261128_000005_create_connected_accounts::Migration),
            Box::new(m20261130_000006_fold_provider_endpoints::Migration),
            Box::new(m20261130_000007_track_link_health::Migration),
            Box::new(m20261201_000008_rebuild_sessions::Migration),
            Box::new(m20261202_000010_create_sign_in_failures::Migration),
            Box::new(m20261202_000030_mark_demo_provider_settings::Migration),
            Box::new(m20261202_000040_index_flows_and_sessions::Migration),
            Box::new(m20261203_000050_announce_provider_settings::Migration),
        ]
    }
}
