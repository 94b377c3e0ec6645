//! An admin's registration of one provider's app.

use sea_orm::entity::prelude::*;

/// A row of `provider_settings`; `client_secret` is ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider: String,
    pub enabled: bool,
    pub client_id: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub client_secret: Option<String>,
    pub scopes: String,
    pub authorize_url: String,
    pub token_url: String,
    pub profile_url: String,
    pub revoke_url: Option<String>,
    pub graph_version: Option<String>,
    pub issuer: Option<String>,
    pub updated_at: ChronoDateTimeUtc,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
