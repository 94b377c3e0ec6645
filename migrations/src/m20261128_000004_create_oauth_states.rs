use sea_orm_migration::prelude::*;

use super::m20261128_000001_create_users::Users;

/// Pending connect flows: one single-use row per Connect click, valid ten minutes. Kept in the
/// database so that any server instance can finish a flow another one started.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    StateHash,
    UserId,
    Provider,
    SessionHash,
    PkceVerifier,
    Nonce,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OauthStates::Table)
                    // SHA-256 of the state: a leaked table cannot be replayed.
                    .col(
                        ColumnDef::new(OauthStates::StateHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(OauthStates::UserId).big_integer().not_null())
                    .col(
                        ColumnDef::new(OauthStates::Provider)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OauthStates::SessionHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OauthStates::PkceVerifier)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(ColumnDef::new(OauthStates::Nonce).string_len(128).null())
                    .col(
                        ColumnDef::new(OauthStates::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OauthStates::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_oauth_states_user")
                            .from(OauthStates::Table, OauthStates::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_oauth_states_expires_at")
                    .table(OauthStates::Table)
                    .col(OauthStates::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OauthStates::Table).to_owned())
            .await
    }
}
