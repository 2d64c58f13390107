//! PostgreSQL persistence: the connection pool, database bootstrap, embedded migrations and the
//! repositories that map domain types to tables.
//!
//! Repository functions take `&mut PgConnection`; the caller (a use case in the API crate) owns
//! the transaction, so one use case is one transaction.

pub mod agenda;
pub mod assistance;
pub mod audit;
pub mod bootstrap;
pub mod contact_verifications;
pub mod contributions;
pub mod delegations;
pub mod digests;
pub mod employers;
pub mod idempotency;
pub mod inquiries;
pub mod intermediaries;
pub mod notifications;
pub mod occasional;
pub mod occasional_disputes;
pub mod occasional_payments;
pub mod occasional_recurring;
pub mod occasional_services;
pub mod persons;
pub mod pool;
pub mod profile;
pub mod scheduled_jobs;
pub mod schema;
pub mod sessions;
pub mod webhooks;

pub use bootstrap::{BootstrapError, ensure_database_exists, run_migrations};
pub use pool::{PgPool, PoolSettings, PooledConn, build_pool};

pub mod corrupt;
pub use corrupt::CorruptRow;
