//! A provider's data-deletion request (Meta's callback), kept only for its status page.

use sea_orm::entity::prelude::*;

/// A row of `data_deletions`: no trace of whose data it was.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_deletions")]
pub struct Model {
    /// The code returned to the provider and shown to the person.
    #[sea_orm(primary_key, auto_increment = false)]
    pub confirmation_code: String,
    pub provider: crate::catalog::ProviderId,
    pub requested_at: ChronoDateTimeUtc,
    /// When the data was gone; `None` while pending.
    pub completed_at: Option<ChronoDateTimeUtc>,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
