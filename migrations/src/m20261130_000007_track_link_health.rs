use sea_orm_migration::prelude::*;

/// Links that stay true over time: each link's health (status, reason, last check), when the
/// health job should next look at it (`due_at`, indexed), a lease so that one instance at a
/// time refreshes it (`claim_token`, `claim_until`), a version bumped on every token change,
/// when its tokens were issued (Instagram refreshes only tokens older than a day), and its
/// picture as one of ours (`avatar_hash` → `avatars`). Owned pictures are kept by content
/// hash; data-deletion requests keep only what their status page shows.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConnectedAccounts {
    Table,
    Status,
    StatusReason,
    StatusChangedAt,
    CheckedAt,
    DueAt,
    ClaimToken,
    ClaimUntil,
    TokenVersion,
    TokensIssuedAt,
    AvatarHash,
}

#[derive(DeriveIden)]
enum Avatars {
    Table,
    Hash,
    ContentType,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DataDeletions {
    Table,
    ConfirmationCode,
    Provider,
    RequestedAt,
    CompletedAt,
}

const DUE_INDEX: &str = "ix_connected_accounts_due_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let columns = [
            ColumnDef::new(ConnectedAccounts::Status)
                .string_len(24)
                .not_null()
                .default("active")
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::StatusReason)
                .string_len(32)
                .null()
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::StatusChangedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::CheckedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::DueAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::ClaimToken)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::ClaimUntil)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::TokenVersion)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::TokensIssuedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(ConnectedAccounts::AvatarHash)
                .string_len(64)
                .null()
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(ConnectedAccounts::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(DUE_INDEX)
                    .table(ConnectedAccounts::Table)
                    .col(ConnectedAccounts::DueAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Avatars::Table)
                    .col(
                        ColumnDef::new(Avatars::Hash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Avatars::ContentType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Avatars::Bytes).blob().not_null())
                    .col(
                        ColumnDef::new(Avatars::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DataDeletions::Table)
                    .col(
                        ColumnDef::new(DataDeletions::ConfirmationCode)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(DataDeletions::Provider)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DataDeletions::RequestedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DataDeletions::CompletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DataDeletions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Avatars::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(DUE_INDEX)
                    .table(ConnectedAccounts::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            ConnectedAccounts::AvatarHash,
            ConnectedAccounts::TokensIssuedAt,
            ConnectedAccounts::TokenVersion,
            ConnectedAccounts::ClaimUntil,
            ConnectedAccounts::ClaimToken,
            ConnectedAccounts::DueAt,
            ConnectedAccounts::CheckedAt,
            ConnectedAccounts::StatusChangedAt,
            ConnectedAccounts::StatusReason,
            ConnectedAccounts::Status,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ConnectedAccounts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
