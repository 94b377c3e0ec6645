use sea_orm_migration::prelude::*;

/// Failed sign-ins per email, so that the growing lockout holds on every instance sharing the
/// database. Keyed by the SHA-256 of the normalised email, whether or not an account has it:
/// unknown emails are counted like known ones (the answer must not tell them apart), and we
/// keep no copy of addresses people merely typed.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SignInFailures {
    Table,
    EmailHash,
    Failures,
    LastFailedAt,
    LockedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignInFailures::Table)
                    .col(
                        ColumnDef::new(SignInFailures::EmailHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SignInFailures::Failures)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SignInFailures::LastFailedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInFailures::LockedUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // The clean-up job deletes the rows nobody has failed on for a while.
        manager
            .create_index(
                Index::create()
                    .name("idx_sign_in_failures_last_failed_at")
                    .table(SignInFailures::Table)
                    .col(SignInFailures::LastFailedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignInFailures::Table).to_owned())
            .await
    }
}
