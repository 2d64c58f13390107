//! Database bootstrap: create the application database when it is missing and apply the embedded
//! migrations under an advisory lock, so that replicas (or test processes) starting together never
//! migrate concurrently.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Advisory lock key taken around migrations (an arbitrary constant: "INPSMIGR" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x494E_5053_4D49_4752;

/// Why the database could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    /// `DATABASE_URL` does not name a database.
    #[error("the database URL does not name a database")]
    NoDatabaseName,
    /// The database name has characters we refuse to put in DDL.
    #[error("the database name may only contain letters, digits and underscores")]
    UnsafeDatabaseName,
    /// The server could not be reached or refused the login.
    #[error("cannot connect to PostgreSQL: {0}")]
    Connect(#[from] diesel::ConnectionError),
    /// A bootstrap statement failed.
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

/// Splits `postgres://.../name?params` into the URL of the maintenance database `postgres` on the
/// same server and the database name.
fn split_database_url(url: &str) -> Result<(String, String), BootstrapError> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let slash = base[scheme_end..]
        .rfind('/')
        .map(|i| i + scheme_end)
        .ok_or(BootstrapError::NoDatabaseName)?;
    let name = &base[slash + 1..];
    if name.is_empty() {
        return Err(BootstrapError::NoDatabaseName);
    }
    let mut maintenance = format!("{}/postgres", &base[..slash]);
    if let Some(query) = query {
        maintenance.push('?');
        maintenance.push_str(query);
    }
    Ok((maintenance, name.to_owned()))
}

/// Creates the database named in `database_url` when it does not exist yet.
pub fn ensure_database_exists(database_url: &str) -> Result<(), BootstrapError> {
    let (maintenance_url, name) = split_database_url(database_url)?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(BootstrapError::UnsafeDatabaseName);
    }
    let mut conn = PgConnection::establish(&maintenance_url)?;
    let found =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(&name)
            .get_result::<Exists>(&mut conn)?;
    if !found.exists {
        // Another process may create it between the check and here: treat "already exists" as done.
        match conn.batch_execute(&format!("CREATE DATABASE \"{name}\"")) {
            Ok(()) => tracing::info!(database = %name, "database created"),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) if e.to_string().contains("already exists") => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Applies every pending embedded migration while holding the migration advisory lock.
/// Returns the versions applied.
pub fn run_migrations(conn: &mut PgConnection) -> Result<Vec<String>, BootstrapError> {
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK_KEY)
        .execute(conn)?;
    let result = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|versions| versions.iter().map(ToString::to_string).collect())
        .map_err(|e| BootstrapError::Migration(e.to_string()));
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK_KEY)
        .execute(conn)?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_url_with_and_without_params() {
        let (m, n) = split_database_url("postgres://postgres@127.0.0.1:5432/inps").unwrap();
        assert_eq!(m, "postgres://postgres@127.0.0.1:5432/postgres");
        assert_eq!(n, "inps");
        let (m, n) = split_database_url("postgresql://u:p@h/db_1?sslmode=disable").unwrap();
        assert_eq!(m, "postgresql://u:p@h/postgres?sslmode=disable");
        assert_eq!(n, "db_1");
    }

    #[test]
    fn refuses_url_without_database() {
        assert!(matches!(
            split_database_url("postgres://h:5432/"),
            Err(BootstrapError::NoDatabaseName)
        ));
        assert!(matches!(
            split_database_url("postgres://h:5432"),
            Err(BootstrapError::NoDatabaseName)
        ));
    }
}
