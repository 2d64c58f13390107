//! Per-test databases cloned from a migrated template.
//!
//! The template's name carries the role and a hash of `migrations/`, so a changed migration set
//! builds a new template. It is built under an advisory lock (nextest runs one process per test)
//! and marked `IS_TEMPLATE` / `ALLOW_CONNECTIONS false`. Databases left behind by killed test
//! processes (their pid is gone) are swept at the next start.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use sha2::{Digest, Sha256};

const PREFIX: &str = "inps_t_";
const TEMPLATE_PREFIX: &str = "inps_tpl_";
const LOCK_KEY: i64 = 0x494E_5053_5445_5354; // "INPSTEST"

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server URL tests create databases on.
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| inps_api::settings::DEFAULT_DATABASE_URL.to_owned())
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let cut = base[scheme_end..]
        .rfind('/')
        .map_or(base.len(), |i| i + scheme_end);
    let mut out = format!("{}/{name}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn migrations_hash() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read migrations/") {
            let path = entry.expect("migrations entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(
            file.strip_prefix(&dir)
                .unwrap_or(&file)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update(std::fs::read(&file).expect("read migration"));
    }
    hex::encode(&hasher.finalize()[..6])
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Bool)]
    template: bool,
}

fn admin() -> PgConnection {
    let url = with_database(&server_url(), "postgres");
    PgConnection::establish(&url).unwrap_or_else(|e| {
        panic!("cannot reach PostgreSQL for tests ({e}); run scripts/ensure-postgres.sh")
    })
}

fn sweep(conn: &mut PgConnection, keep_template: &str) {
    let names: Vec<Name> = diesel::sql_query(
        "SELECT datname AS name FROM pg_database WHERE datname LIKE 'inps\\_t\\_%' OR datname LIKE 'inps\\_tpl\\_%'",
    )
    .load(conn)
    .expect("list test databases");
    for Name { name } in names {
        if let Some(rest) = name.strip_prefix(PREFIX) {
            let pid = rest.split('_').next().unwrap_or("");
            if !pid.is_empty() && Path::new(&format!("/proc/{pid}")).exists() {
                continue;
            }
        } else {
            // Templates of other migration sets are kept: another checkout (a branch with a
            // new migration) may be cloning them right now. Each is a few MB.
            let _ = keep_template;
            continue;
        }
        let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    }
}

fn ensure_template(conn: &mut PgConnection) -> String {
    let role: Name = diesel::sql_query("SELECT current_user::text AS name")
        .get_result(conn)
        .expect("current_user");
    let role: String = role
        .name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let template = format!("{TEMPLATE_PREFIX}{role}_{}", migrations_hash());
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(LOCK_KEY)
        .execute(conn)
        .expect("advisory lock");
    let found: Option<Found> =
        diesel::sql_query("SELECT datistemplate AS template FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(&template)
            .get_result(conn)
            .optional()
            .expect("look up template");
    if !matches!(found, Some(Found { template: true })) {
        sweep(conn, "");
        conn.batch_execute(&format!(
            "DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)"
        ))
        .expect("drop half-built template");
        conn.batch_execute(&format!("CREATE DATABASE \"{template}\""))
            .expect("create template");
        let mut tpl = PgConnection::establish(&with_database(&server_url(), &template))
            .expect("connect to template");
        inps_persistence::run_migrations(&mut tpl).expect("migrate template");
        drop(tpl);
        conn.batch_execute(&format!(
            "ALTER DATABASE \"{template}\" IS_TEMPLATE true ALLOW_CONNECTIONS false"
        ))
        .expect("mark template");
    } else {
        sweep(conn, &template);
    }
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(LOCK_KEY)
        .execute(conn)
        .expect("advisory unlock");
    template
}

/// A database of one test, dropped with it.
#[derive(Debug)]
pub struct TestDb {
    /// Connection URL of the test's database.
    pub url: String,
    name: String,
}

impl TestDb {
    /// Clones a fresh, migrated database for the calling test.
    pub fn new() -> Self {
        let mut conn = admin();
        let template = ensure_template(&mut conn);
        let name = format!(
            "{PREFIX}{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        conn.batch_execute(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        ))
        .expect("clone template");
        Self {
            url: with_database(&server_url(), &name),
            name,
        }
    }

    /// A direct connection to this database (to inspect or tamper with rows).
    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to test database")
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let mut conn = admin();
        let _ = conn.batch_execute(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        ));
    }
}
