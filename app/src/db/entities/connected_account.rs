//! A social account linked to a user.

use sea_orm::entity::prelude::*;

/// A row of `connected_accounts`; `access_token` and `refresh_token` are ciphertext.
/// `avatar_url` is where the provider keeps the picture (fetched, never shown);
/// `avatar_hash` is our copy.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "connected_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub provider: crate::catalog::ProviderId,
    pub provider_user_id: String,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
    pub profile_url: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub access_token: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub refresh_token: Option<String>,
    pub expires_at: Option<ChronoDateTimeUtc>,
    pub scopes: String,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    /// Whether the tokens still work.
    pub status: crate::catalog::LinkStatus,
    /// Why not, when `status` is `ReconnectNeeded`.
    pub status_reason: Option<crate::catalog::LinkProblem>,
    /// When `status` last changed.
    pub status_changed_at: Option<ChronoDateTimeUtc>,
    /// When the provider last confirmed the tokens (a refresh or a profile read).
    pub checked_at: Option<ChronoDateTimeUtc>,
    /// When the health job should next look at the link; `None`: never (not active).
    pub due_at: Option<ChronoDateTimeUtc>,
    /// The lease of the instance refreshing the link, so one refreshes it at a time.
    pub claim_token: Option<String>,
    /// When that lease lapses (a crashed holder does not block the link for ever).
    pub claim_until: Option<ChronoDateTimeUtc>,
    /// Bumped by every token change; a write that expected another version lost a race.
    pub token_version: i64,
    /// When the current tokens were issued.
    pub tokens_issued_at: Option<ChronoDateTimeUtc>,
    /// The owned copy of the picture in `avatars`, by content hash.
    pub avatar_hash: Option<String>,
}

/// No relations are navigated from here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
