use sea_orm_migration::prelude::*;

/// Each provider's app credentials and endpoints, as registered by an admin.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderSettings {
    Table,
    Provider,
    Enabled,
    ClientId,
    ClientSecret,
    Scopes,
    AuthorizeUrl,
    TokenUrl,
    ProfileUrl,
    RevokeUrl,
    GraphVersion,
    Issuer,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProviderSettings::Table)
                    .col(
                        ColumnDef::new(ProviderSettings::Provider)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::Enabled)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::ClientId)
                            .string_len(512)
                            .not_null()
                            .default(""),
                    )
                    // Encrypted (AES-256-GCM); NULL when no secret was ever saved.
                    .col(ColumnDef::new(ProviderSettings::ClientSecret).text().null())
                    .col(
                        ColumnDef::new(ProviderSettings::Scopes)
                            .string_len(1024)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::AuthorizeUrl)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::TokenUrl)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::ProfileUrl)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::RevokeUrl)
                            .string_len(2048)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::GraphVersion)
                            .string_len(16)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::Issuer)
                            .string_len(2048)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ProviderSettings::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProviderSettings::Table).to_owned())
            .await
    }
}
