//! A stored browser session (see `server::session_store`).

use sea_orm::entity::prelude::*;

/// A row of `sessions`, keyed by the SHA-256 of the session id: the id itself, which is what
/// the cookie carries, is never stored. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// Hex SHA-256 of the session id (`crypto::sha256_hex`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    /// The signed-in user; `None` for a visitor.
    pub user_id: Option<i64>,
    /// The browser's `User-Agent` at sign-in, cut to [`MAX_USER_AGENT_CHARS`].
    pub user_agent: Option<String>,
    /// The rest of the session's data (JSON).
    #[sea_orm(column_type = "Text")]
    pub data: String,
    /// When the session began (sign-in); it ends at the latest a fixed time after.
    pub created_at: i64,
    /// When the session was last used, to the minute or so.
    pub last_seen_at: i64,
    /// When it ends for inactivity, unless used before.
    pub expires_at: i64,
}

/// The longest `User-Agent` kept, in characters.
pub const MAX_USER_AGENT_CHARS: usize = 256;

/// The signed-in user, read with the session in one query (`server::session_store`).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `sessions.user_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
