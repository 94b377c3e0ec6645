//! A pending connect flow.

use sea_orm::entity::prelude::*;

/// A row of `oauth_states`, keyed by the SHA-256 of the state sent to the provider.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_hash: String,
    pub user_id: i64,
    pub provider: crate::catalog::ProviderId,
    pub session_hash: String,
    pub pkce_verifier: String,
    pub nonce: Option<String>,
    pub created_at: ChronoDateTimeUtc,
    pub expires_at: ChronoDateTimeUtc,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
