use sea_orm_migration::prelude::*;

use super::m20261128_000001_create_users::Users;

/// Social accounts linked to users. One account belongs to at most one user
/// (provider, provider_user_id), and a user links at most one account per provider.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConnectedAccounts {
    Table,
    Id,
    UserId,
    Provider,
    ProviderUserId,
    Username,
    DisplayName,
    Email,
    AvatarUrl,
    ProfileUrl,
    AccessToken,
    RefreshToken,
    ExpiresAt,
    Scopes,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConnectedAccounts::Table)
                    .col(
                        ColumnDef::new(ConnectedAccounts::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::Provider)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::ProviderUserId)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::Username)
                            .string_len(255)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::DisplayName)
                            .string_len(255)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::Email)
                            .string_len(254)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::AvatarUrl)
                            .string_len(2048)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::ProfileUrl)
                            .string_len(2048)
                            .null(),
                    )
                    // Tokens are encrypted (AES-256-GCM) and never leave the server.
                    .col(
                        ColumnDef::new(ConnectedAccounts::AccessToken)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::RefreshToken)
                            .text()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::ExpiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::Scopes)
                            .string_len(1024)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConnectedAccounts::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_connected_accounts_user")
                            .from(ConnectedAccounts::Table, ConnectedAccounts::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "uq_connected_accounts_provider_account",
                [
                    ConnectedAccounts::Provider,
                    ConnectedAccounts::ProviderUserId,
                ],
            ),
            (
                "uq_connected_accounts_user_provider",
                [ConnectedAccounts::UserId, ConnectedAccounts::Provider],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(ConnectedAccounts::Table).unique();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ConnectedAccounts::Table).to_owned())
            .await
    }
}
