use sea_orm_migration::prelude::*;

/// Indexes for two request-path and job queries that scanned whole tables (found by
/// `scripts/bench`'s EXPLAINs): the pending-flow cap reads a user's flows at every connect
/// (`oauth_states.user_id`), and the session clean-up ends sessions by sign-in time as well as
/// by expiry (`sessions.created_at`).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    UserId,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    CreatedAt,
}

const FLOWS_BY_USER: &str = "idx_oauth_states_user_id";
const SESSIONS_BY_SIGN_IN: &str = "idx_sessions_created_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(FLOWS_BY_USER)
                    .table(OauthStates::Table)
                    .col(OauthStates::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SESSIONS_BY_SIGN_IN)
                    .table(Sessions::Table)
                    .col(Sessions::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(SESSIONS_BY_SIGN_IN)
                    .table(Sessions::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(FLOWS_BY_USER)
                    .table(OauthStates::Table)
                    .to_owned(),
            )
            .await
    }
}
