use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// A provider's scopes and endpoints become one JSON column, `settings`: the same
/// `ProviderSettings` document the admin edits, instead of seven columns that every type
/// copied.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns folded into `settings`, and whether an empty value was stored as NULL.
const FOLDED: [(&str, bool); 7] = [
    ("scopes", false),
    ("authorize_url", false),
    ("token_url", false),
    ("profile_url", false),
    ("revoke_url", true),
    ("graph_version", true),
    ("issuer", true),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let (column_type, build) = match backend {
            DbBackend::Postgres => ("JSONB NOT NULL DEFAULT '{}'::jsonb", "jsonb_build_object"),
            _ => ("TEXT NOT NULL DEFAULT '{}'", "json_object"),
        };
        db.execute_unprepared(&format!(
            "ALTER TABLE provider_settings ADD COLUMN settings {column_type}"
        ))
        .await?;
        let pairs = FOLDED
            .iter()
            .map(|(name, _)| format!("'{name}', COALESCE({name}, '')"))
            .collect::<Vec<_>>()
            .join(", ");
        db.execute_unprepared(&format!(
            "UPDATE provider_settings SET settings = {build}({pairs})"
        ))
        .await?;
        for (name, _) in FOLDED {
            db.execute_unprepared(&format!("ALTER TABLE provider_settings DROP COLUMN {name}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        for (name, nullable) in FOLDED {
            let definition = if nullable {
                "TEXT NULL"
            } else {
                "TEXT NOT NULL DEFAULT ''"
            };
            db.execute_unprepared(&format!(
                "ALTER TABLE provider_settings ADD COLUMN {name} {definition}"
            ))
            .await?;
            let value = match backend {
                DbBackend::Postgres => format!("settings->>'{name}'"),
                _ => format!("json_extract(settings, '$.{name}')"),
            };
            let value = if nullable {
                format!("NULLIF({value}, '')")
            } else {
                format!("COALESCE({value}, '')")
            };
            db.execute_unprepared(&format!("UPDATE provider_settings SET {name} = {value}"))
                .await?;
        }
        db.execute_unprepared("ALTER TABLE provider_settings DROP COLUMN settings")
            .await?;
        Ok(())
    }
}
