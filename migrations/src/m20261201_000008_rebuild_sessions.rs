use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::TransactionTrait;

use super::m20261128_000001_create_users::Users;

/// Sessions keyed by the SHA-256 of their id, never the id itself: a leaked table or backup
/// cannot be replayed as cookies. Each row also says whose session it is, when it began, when
/// it was last used and from which browser, so that people can see and end their sessions, and
/// a session ends 30 days after sign-in however active it is.
///
/// The old rows hold ids in clear and cannot be converted portably (SQLite has no SHA-256), so
/// the table is rebuilt: everyone signs in once more after this migration.
///
/// SQLite runs migrations outside a transaction, on whichever pooled connection is free, and a
/// connection could then still see the dropped index (one run in five failed with "index …
/// already exists"): the whole rebuild runs in one transaction, on one connection.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    IdHash,
    UserId,
    UserAgent,
    Data,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

const EXPIRES_INDEX: &str = "idx_sessions_expires_at";
const USER_INDEX: &str = "idx_sessions_user_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let txn = manager.get_connection().begin().await?;
        create_hashed(&SchemaManager::new(&txn)).await?;
        txn.commit().await
    }

    /// Back to the first shape (ids in clear), empty: the hashes cannot be turned back into ids.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let txn = manager.get_connection().begin().await?;
        create_plain(&SchemaManager::new(&txn)).await?;
        txn.commit().await
    }
}

/// The table keyed by hashes.
async fn create_hashed(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(Sessions::Table).to_owned())
        .await?;
    manager
        .create_table(
            Table::create()
                .table(Sessions::Table)
                .col(
                    ColumnDef::new(Sessions::IdHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                // NULL for a visitor's session; a deleted user takes their sessions along.
                .col(ColumnDef::new(Sessions::UserId).big_integer().null())
                .col(ColumnDef::new(Sessions::UserAgent).string_len(256).null())
                .col(ColumnDef::new(Sessions::Data).text().not_null())
                // Unix seconds, like `expires_at`: compared in SQL, identical on both databases.
                .col(ColumnDef::new(Sessions::CreatedAt).big_integer().not_null())
                .col(
                    ColumnDef::new(Sessions::LastSeenAt)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Sessions::ExpiresAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user")
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    for (name, column) in [
        (EXPIRES_INDEX, Sessions::ExpiresAt),
        (USER_INDEX, Sessions::UserId),
    ] {
        manager
            .create_index(
                Index::create()
                    .name(name)
                    .table(Sessions::Table)
                    .col(column)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

/// The first table, keyed by the ids themselves.
async fn create_plain(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(Sessions::Table).to_owned())
        .await?;
    manager
        .create_table(
            Table::create()
                .table(Sessions::Table)
                .col(
                    ColumnDef::new(Sessions::Id)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Sessions::Data).text().not_null())
                .col(ColumnDef::new(Sessions::ExpiresAt).big_integer().not_null())
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(EXPIRES_INDEX)
                .table(Sessions::Table)
                .col(Sessions::ExpiresAt)
                .to_owned(),
        )
        .await
}
