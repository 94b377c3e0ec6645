//! A picture we own: fetched from a provider, re-encoded, kept by content hash.

use sea_orm::entity::prelude::*;

/// A row of `avatars`, served at `/avatars/{hash}` with immutable caching.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "avatars")]
pub struct Model {
    /// SHA-256 of `bytes`, lowercase hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub created_at: ChronoDateTimeUtc,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
