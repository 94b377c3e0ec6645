//! Failed sign-ins of one email, for the growing lockout.

use sea_orm::entity::prelude::*;

/// A row of `sign_in_failures`, keyed by the SHA-256 of the normalised email.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_failures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub email_hash: String,
    pub failures: i32,
    pub last_failed_at: ChronoDateTimeUtc,
    pub locked_until: Option<ChronoDateTimeUtc>,
}

/// No relations: the email may belong to no account.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
