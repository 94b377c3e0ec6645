use sea_orm_migration::prelude::*;

/// `provider_settings.written_by_demo`: settings that demo mode wrote (pointing at the built-in
/// sandbox) are not offered to users by a server running without demo mode, until an admin
/// saves them. Rows already holding the sandbox's client id (`sandbox-{provider}-app`, which no
/// real provider issues) were written by demo mode or by hand for it: they are marked too.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderSettings {
    Table,
    ClientId,
    WrittenByDemo,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProviderSettings::Table)
                    .add_column(
                        ColumnDef::new(ProviderSettings::WrittenByDemo)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(ProviderSettings::Table)
                    .value(ProviderSettings::WrittenByDemo, true)
                    .and_where(Expr::col(ProviderSettings::ClientId).like("sandbox-%-app"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProviderSettings::Table)
                    .drop_column(ProviderSettings::WrittenByDemo)
                    .to_owned(),
            )
            .await
    }
}
