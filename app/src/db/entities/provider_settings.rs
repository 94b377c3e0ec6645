//! An admin's registration of one provider's app.

use sea_orm::entity::prelude::*;

use crate::catalog::{ProviderId, ProviderSettings};

/// A row of `provider_settings`; `client_secret` is ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider: ProviderId,
    pub enabled: bool,
    pub client_id: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub client_secret: Option<String>,
    /// Scopes and endpoints, one JSON document: the same type the admin edits.
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: ProviderSettings,
    pub updated_at: ChronoDateTimeUtc,
    /// Written by demo mode, pointing at the sandbox: offered only while demo mode runs.
    pub written_by_demo: bool,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
