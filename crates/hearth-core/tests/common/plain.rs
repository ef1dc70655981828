//! A plain (unencrypted) history as the release before encryption wrote it, with a chat, a
//! job, a document and settings (`../fixtures/plain-history.sql`). Shared by the core's tests
//! and the command line's, each giving the path of the core's migrations.

use std::path::Path;

pub async fn plain_history(path: &Path, migrations: &str) -> sqlx::SqlitePool {
    let url = format!("sqlite:{}?mode=rwc", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.expect("raw open");
    sqlx::migrate::Migrator::new(Path::new(migrations))
        .await
        .expect("the migrations")
        .run(&pool)
        .await
        .expect("the schema");
    sqlx::raw_sql(include_str!("../fixtures/plain-history.sql"))
        .execute(&pool)
        .await
        .expect("an old history");
    pool
}
