//! A person with an account.

use sea_orm::entity::prelude::*;

/// What a user may do; stored as `user` or `admin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Role {
    /// An organizer or attendee.
    #[sea_orm(string_value = "user")]
    User,
    /// May use the admin area.
    #[sea_orm(string_value = "admin")]
    Admin,
}

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    pub avatar_url: Option<String>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether this user may use the admin area.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}
