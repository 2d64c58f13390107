//! `occasional`: recording an occasional-work service (`POST /v1/services`) with every limit
//! check, under many concurrent clients, over a year of data, against PostgreSQL running the
//! same transaction.
//!
//! 1. **Dataset** (set-based, `generate_series`): workers (prestatori) and clients
//!    (utilizzatori: 4/5 Libretto Famiglia persons, 1/5 PrestO businesses with their legal
//!    representatives), the rule sets as seeded by the migration, and services spread over the
//!    current year, each within every limit. The last [`FULL`] workers are at 4,996 EUR of
//!    their 5,000 EUR worker limit (two 2,498 EUR PrestO services), so any new service of
//!    theirs is refused. Generation time is reported.
//! 2. **API**: the release server answers `wrk` with [`HOT_CLIENTS`] distinct client sessions
//!    (half Libretto Famiglia persons, half PrestO legal representatives) recording services
//!    for the rest of the year: 90 % for one of [`HOT_WORKERS`] shared workers (so concurrent
//!    clients queue on the same worker rows), 10 % for a full worker (refused at the worker
//!    limit, 422).
//! 3. **PostgreSQL**: `pgbench` runs the same transaction in minimal SQL (session and roles,
//!    the client row locked, the representative lookup, the worker row locked, the rule sets,
//!    the year's totals summed, the former-employment lookup, and when every limit holds the
//!    wallet commit, the insert and the audit event), each pgbench client playing one session.
//! 4. **Check**: no worker, client, pair (net) or PrestO pair (hours) total exceeds its limit,
//!    in SQL over every service of the year; any overshoot fails the run.

use std::path::PathBuf;
use std::time::Instant;

use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use inps_domain::tax_code::TaxCode;
use inps_tests::TestDb;
use inps_tests::personas::with_check_char;
use sha2::{Digest as _, Sha256};
use time::{Date, Month, OffsetDateTime};

use crate::load::{Shape, free_port, run_pgbench, run_wrk, server_binary, start_server};

/// Workers at their limit: every service of theirs is refused.
const FULL: usize = 64;
/// The shared workers the load records services for.
const HOT_WORKERS: usize = 1024;
/// Client sessions of the load: the first half Libretto Famiglia persons, the rest PrestO
/// businesses.
const HOT_CLIENTS: usize = 64;
/// Share of the load's requests (per cent) for a full worker.
const REFUSED_PERCENT: u32 = 10;

/// How big the dataset is.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Workers (prestatori).
    pub workers: usize,
    /// Clients (utilizzatori).
    pub clients: usize,
    /// Services of the year.
    pub services: usize,
}

impl Sizes {
    fn persons(self) -> usize {
        self.clients * 4 / 5
    }

    fn businesses(self) -> usize {
        self.clients - self.persons()
    }

    /// Whether the sizes leave room for the hot and full sets and keep every generated total
    /// within its limits (at most 40 EUR a service: a worker's services under 5,000 EUR, a
    /// client's well under 10,000 EUR).
    fn check(self) -> Result<(), String> {
        let spread = self.workers.saturating_sub(FULL);
        if spread < HOT_WORKERS {
            return Err(format!("--workers must be at least {}", HOT_WORKERS + FULL));
        }
        if self.persons() < HOT_CLIENTS / 2 || self.businesses() < HOT_CLIENTS / 2 + 2 * FULL {
            return Err(format!(
                "--clients must be at least {}",
                (HOT_CLIENTS / 2 + 2 * FULL) * 5
            ));
        }
        if self.services.div_ceil(spread) * 40 > 4_000 {
            return Err("--services: at most 100 per worker (40 EUR each, 5,000 EUR limit)".into());
        }
        if self.services.div_ceil(self.clients) * 40 > 4_000 {
            return Err("--services: at most 100 per client on average".into());
        }
        Ok(())
    }
}

/// A personal tax code for `n`, unique per `month` letter (each kind of person has its own).
fn personal(n: usize, month: char) -> String {
    let mut letters = String::new();
    let mut rest = n;
    for _ in 0..6 {
        letters.insert(0, char::from(b'A' + u8::try_from(rest % 26).unwrap_or(0)));
        rest /= 26;
    }
    with_check_char(&format!(
        "{letters}{:02}{month}{:02}H501",
        70 + n % 30,
        1 + n % 28
    ))
}

/// An 11-digit business tax code (partita IVA) for `n`.
fn numeric(n: usize) -> String {
    let body = format!("{:07}058", 1_000_000 + n);
    (0..=9)
        .map(|d| format!("{body}{d}"))
        .find(|code| TaxCode::parse(code).is_ok())
        .unwrap_or_else(|| panic!("no check digit makes {body} valid"))
}

fn load_codes(conn: &mut PgConnection, table: &str, codes: Vec<String>) -> Result<(), String> {
    conn.batch_execute(&format!(
        "CREATE TABLE {table} (n integer PRIMARY KEY, tax_code text NOT NULL)"
    ))
    .map_err(|e| format!("{table}: {e}"))?;
    diesel::sql_query(format!(
        "INSERT INTO {table} SELECT (i - 1)::integer, code FROM unnest($1::text[]) WITH ORDINALITY AS u (code, i)"
    ))
    .bind::<Array<Text>, _>(codes)
    .execute(conn)
    .map(drop)
    .map_err(|e| format!("{table}: {e}"))
}

/// The year's days as SQL and wrk see them.
struct Calendar {
    /// The dataset's year.
    year: i32,
    /// The first day the load records services on (the day after tomorrow).
    first: Date,
    /// Days from `first` to 31 December.
    days: i64,
}

impl Calendar {
    fn of(now: OffsetDateTime) -> Result<Self, String> {
        // The day after tomorrow (UTC): a PrestO start at 09:00 in Rome is hours away.
        let tomorrow = now
            .date()
            .next_day()
            .ok_or("no tomorrow")?
            .next_day()
            .ok_or("no tomorrow")?;
        let year = tomorrow.year();
        let last =
            Date::from_calendar_date(year, Month::December, 31).map_err(|e| e.to_string())?;
        Ok(Self {
            year,
            first: tomorrow,
            days: (last - tomorrow).whole_days() + 1,
        })
    }

    fn dates(&self) -> Vec<String> {
        (0..self.days)
            .filter_map(|d| self.first.checked_add(time::Duration::days(d)))
            .map(|d| d.to_string())
            .collect()
    }
}

/// The set-based part of the dataset, once the tax codes are loaded.
fn dataset_sql(sizes: Sizes, year: i32) -> String {
    let Sizes {
        workers, clients, ..
    } = sizes;
    let persons = sizes.persons();
    let services = sizes.services;
    let spread = workers - FULL;
    format!(
        "INSERT INTO persons (tax_code, given_name, family_name, created_at)
           SELECT tax_code, 'Prestatore', 'Bench ' || n, now() FROM bench_worker_codes
           UNION ALL SELECT tax_code, 'Utilizzatore', 'Bench ' || n, now() FROM bench_person_codes
           UNION ALL SELECT tax_code, 'Rappresentante', 'Bench ' || n, now() FROM bench_rep_codes;
         INSERT INTO person_roles (tax_code, role, granted_at)
           SELECT tax_code, 'worker', now() FROM bench_worker_codes
           UNION ALL SELECT tax_code, 'client', now() FROM bench_person_codes
           UNION ALL SELECT tax_code, 'client', now() FROM bench_rep_codes;
         INSERT INTO occasional_workers (tax_code, declaration, category, payment_method, iban, registered_at, updated_at)
           SELECT tax_code,
             CASE WHEN n % 20 < 5 THEN '{{\"category\": \"pensioner\", \"pension\": \"old_age\"}}'::jsonb
                  WHEN n % 20 < 8 THEN '{{\"category\": \"income_support\", \"scheme\": \"cassa integrazione\"}}'::jsonb
                  ELSE '{{\"category\": \"other\"}}'::jsonb END,
             CASE WHEN n % 20 < 5 THEN 'pensioner' WHEN n % 20 < 8 THEN 'income_support' ELSE 'other' END,
             'post_office_mandate', NULL, now(), now()
           FROM bench_worker_codes;
         CREATE TABLE bench_clients AS
           SELECT n, md5('bench-client-' || n)::uuid AS id, 'person' AS kind, tax_code, tax_code AS actor
             FROM bench_person_codes
           UNION ALL
           SELECT {persons} + b.n, md5('bench-client-' || ({persons} + b.n))::uuid, 'business', b.tax_code, r.tax_code
             FROM bench_business_codes b JOIN bench_rep_codes r USING (n);
         ALTER TABLE bench_clients ADD PRIMARY KEY (n);
         INSERT INTO occasional_clients (id, kind, tax_code, legal_representative, ateco, employees, created_at)
           SELECT id, kind, tax_code,
             CASE WHEN kind = 'business' THEN actor END,
             CASE WHEN kind = 'business' THEN '56.10.11' END,
             CASE WHEN kind = 'business' THEN 3 END,
             now()
           FROM bench_clients;
         -- Foreign keys hold by construction (the joins below); the check after generation
         -- proves the limits. Their triggers are skipped while the year is inserted.
         SET session_replication_role = replica;
         -- Services spread over the year: worker s % spread, client by a hash of s; Libretto
         -- Famiglia 1 to 4 titles (8 to 32 EUR net), PrestO 4 hours at 10 EUR/h (40 EUR net);
         -- one in 50 revoked, those before November paid.
         INSERT INTO occasional_services (id, client_id, worker_tax_code, channel, status, work_date, start_time,
             minutes, activity, place, titles, gross_cents, net_cents, pension_cents, inail_cents, management_cents,
             weighted_cents, presto_minutes, rules_effective_from, late_report_deadline, revocable_until, version,
             recorded_at, recorded_by, revoked_at)
           SELECT gen_random_uuid(), c.id, w.tax_code, a.channel,
             CASE WHEN s % 50 = 0 THEN 'revoked' WHEN d.day < DATE '{year}-11-01' THEN 'paid' ELSE 'recorded' END,
             d.day, TIME '09:00', a.minutes,
             CASE WHEN a.presto THEN 'other'
                  ELSE (ARRAY['small_domestic_jobs', 'home_care', 'private_tuition'])[1 + s % 3] END,
             NULL, a.titles, a.gross, a.net, a.pension, a.inail, a.management,
             CASE WHEN w.n % 20 < 8 THEN a.net * 3 / 4 ELSE a.net END,
             CASE WHEN a.presto THEN a.minutes ELSE 0 END,
             DATE '2023-01-01', NULL,
             (CASE WHEN a.presto THEN d.day + 4
                   ELSE (date_trunc('month', d.day) + interval '1 month 3 days')::date END)::timestamp
               AT TIME ZONE 'Europe/Rome',
             CASE WHEN s % 50 = 0 THEN 2 ELSE 1 END,
             (d.day - 1 + TIME '18:00') AT TIME ZONE 'Europe/Rome',
             c.actor,
             CASE WHEN s % 50 = 0 THEN (d.day + TIME '12:00') AT TIME ZONE 'Europe/Rome' END
           FROM generate_series(0, {services} - 1) AS s
           JOIN bench_worker_codes w ON w.n = s % {spread}
           JOIN bench_clients c ON c.n = (hashint4(s) & 2147483647) % {clients}
           CROSS JOIN LATERAL (SELECT DATE '{year}-01-01' + (s * 37 % 365) AS day) d
           CROSS JOIN LATERAL (
             SELECT c.kind = 'business' AS presto,
               CASE WHEN c.kind = 'business' THEN 'presto' ELSE 'libretto_famiglia' END AS channel,
               CASE WHEN c.kind = 'business' THEN 240 ELSE 60 * (1 + s % 4) END AS minutes,
               CASE WHEN c.kind = 'business' THEN NULL ELSE 1 + s % 4 END AS titles,
               CASE WHEN c.kind = 'business' THEN 5500 ELSE 1000 * (1 + s % 4) END AS gross,
               CASE WHEN c.kind = 'business' THEN 4000 ELSE 800 * (1 + s % 4) END AS net,
               CASE WHEN c.kind = 'business' THEN 1320 ELSE 165 * (1 + s % 4) END AS pension,
               CASE WHEN c.kind = 'business' THEN 140 ELSE 25 * (1 + s % 4) END AS inail,
               CASE WHEN c.kind = 'business' THEN 40 ELSE 10 * (1 + s % 4) END AS management
           ) a;
         -- The full workers: two 8-hour PrestO services of 2,498 EUR net each, from two of the
         -- last businesses (never a load client): 4,996 EUR of 5,000.
         INSERT INTO occasional_services (id, client_id, worker_tax_code, channel, status, work_date, start_time,
             minutes, activity, place, titles, gross_cents, net_cents, pension_cents, inail_cents, management_cents,
             weighted_cents, presto_minutes, rules_effective_from, late_report_deadline, revocable_until, version,
             recorded_at, recorded_by, revoked_at)
           SELECT gen_random_uuid(), c.id, w.tax_code, 'presto', 'paid', DATE '{year}-06-01', TIME '09:00', 480, 'other',
             NULL, NULL, 343475, 249800, 82434, 8743, 2498,
             CASE WHEN w.n % 20 < 8 THEN 249800 * 3 / 4 ELSE 249800 END, 480, DATE '2023-01-01', NULL,
             TIMESTAMP '{year}-06-05 00:00' AT TIME ZONE 'Europe/Rome', 1,
             TIMESTAMP '{year}-05-31 18:00' AT TIME ZONE 'Europe/Rome', c.actor, NULL
           FROM generate_series(0, {FULL} - 1) AS k
           CROSS JOIN generate_series(0, 1) AS j
           JOIN bench_worker_codes w ON w.n = {spread} + k
           JOIN bench_clients c ON c.n = {clients} - 1 - 2 * k - j;
         SET session_replication_role = origin;
         -- Wallets: what the services commit, and 50,000 EUR more paid in.
         UPDATE occasional_clients c SET committed_cents = t.committed, paid_in_cents = t.committed + 5000000
           FROM (SELECT client_id, sum(gross_cents) AS committed FROM occasional_services
                 WHERE status <> 'revoked' GROUP BY client_id) t
           WHERE t.client_id = c.id;
         UPDATE occasional_clients SET paid_in_cents = 5000000 WHERE paid_in_cents = 0;
         CREATE TABLE bench_hot_workers AS SELECT n, tax_code FROM bench_worker_codes WHERE n < {HOT_WORKERS};
         CREATE TABLE bench_full_workers AS
           SELECT n - {spread} AS n, tax_code FROM bench_worker_codes WHERE n >= {spread};"
    )
}

/// The load's clients: `(n, client id, acting tax code, client tax code, presto)`.
#[derive(QueryableByName)]
struct HotClient {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    n: i32,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    actor: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    presto: bool,
}

/// Generates the dataset; returns the load's clients with their session tokens.
fn generate(db: &TestDb, sizes: Sizes, year: i32) -> Result<Vec<(HotClient, String)>, String> {
    let mut conn = db.connect();
    let workers = (0..sizes.workers).map(|n| personal(n, 'A')).collect();
    load_codes(&mut conn, "bench_worker_codes", workers)?;
    let persons = (0..sizes.persons()).map(|n| personal(n, 'B')).collect();
    load_codes(&mut conn, "bench_person_codes", persons)?;
    let reps = (0..sizes.businesses()).map(|n| personal(n, 'C')).collect();
    load_codes(&mut conn, "bench_rep_codes", reps)?;
    let businesses = (0..sizes.businesses()).map(numeric).collect();
    load_codes(&mut conn, "bench_business_codes", businesses)?;
    // The services' secondary indexes are built once the year is in, not row by row.
    let indexes = strings(
        &mut conn,
        "SELECT indexdef AS value FROM pg_indexes WHERE tablename = 'occasional_services' \
         AND indexname <> 'occasional_services_pkey'",
    )?;
    let names = strings(
        &mut conn,
        "SELECT indexname AS value FROM pg_indexes WHERE tablename = 'occasional_services' \
         AND indexname <> 'occasional_services_pkey'",
    )?;
    conn.batch_execute(&format!("DROP INDEX {}", names.join(", ")))
        .map_err(|e| format!("dropping the indexes: {e}"))?;
    conn.batch_execute(&dataset_sql(sizes, year))
        .map_err(|e| format!("generating the dataset: {e}"))?;
    conn.batch_execute(&format!("{};\nANALYZE;", indexes.join(";\n")))
        .map_err(|e| format!("rebuilding the indexes: {e}"))?;
    // The load's clients: the first persons and the first businesses.
    let half = HOT_CLIENTS / 2;
    let hot: Vec<HotClient> = diesel::sql_query(format!(
        "SELECT (row_number() OVER (ORDER BY n) - 1)::integer AS n, id, actor, kind = 'business' AS presto
         FROM bench_clients WHERE n < {half} OR (n >= {p} AND n < {p} + {half}) ORDER BY n",
        p = sizes.persons()
    ))
    .load(&mut conn)
    .map_err(|e| format!("the load's clients: {e}"))?;
    let mut sql = String::from(
        "CREATE TABLE bench_hot (n integer PRIMARY KEY, cid uuid NOT NULL, actor text NOT NULL, \
         subject text NOT NULL, presto integer NOT NULL, channel text NOT NULL, token_hash text NOT NULL);\n",
    );
    let mut out = Vec::new();
    for client in hot {
        let token = format!("bench-{}-{}", client.n, uuid::Uuid::new_v4().simple());
        let hash = hex::encode(Sha256::digest(token.as_bytes()));
        sql.push_str(&format!(
            "INSERT INTO sessions (id, token_hash, tax_code, level, idp, created_at, last_seen_at, absolute_expires_at) \
               VALUES (gen_random_uuid(), '\\x{hash}'::bytea, '{actor}', 'L2', 'spid', now(), now(), now() + interval '8 hours');\n\
             INSERT INTO bench_hot SELECT {n}, id, actor, tax_code, {presto}, '{channel}', '{hash}' FROM bench_clients WHERE id = '{id}';\n",
            actor = client.actor,
            n = client.n,
            id = client.id,
            presto = i32::from(client.presto),
            channel = if client.presto { "presto" } else { "libretto_famiglia" },
        ));
        out.push((client, token));
    }
    conn.batch_execute(&sql)
        .map_err(|e| format!("the load's sessions: {e}"))?;
    Ok(out)
}

fn lua_list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// wrk's script: rotates over the sessions; 10 % of requests for a full worker, the rest for a
/// shared one; a day of the rest of the year; 201 and the limit refusal are expected.
fn lua(
    clients: &[(HotClient, String)],
    hot: &[String],
    full: &[String],
    dates: &[String],
) -> String {
    let clients = lua_list(
        clients
            .iter()
            .map(|(c, token)| format!("{{\"{token}\", \"{}\", {}}}", c.id, c.presto)),
    );
    let quoted = |list: &[String]| lua_list(list.iter().map(|s| format!("\"{s}\"")));
    r#"local clients = @CLIENTS@
local hot = @HOT@
local full = @FULL@
local dates = @DATES@
local i = 0
local threads = 0
thread_id = 0
setup = function(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end
init = function(args)
  math.randomseed(os.time() + thread_id * 7919)
  i = thread_id
end
request = function()
  i = i + 1
  local c = clients[(i % #clients) + 1]
  local worker
  if math.random(100) <= @REFUSED@ then worker = full[math.random(#full)] else worker = hot[math.random(#hot)] end
  local date = dates[math.random(#dates)]
  local body
  if c[3] then
    body = string.format('{"channel": "presto", "client_id": "%s", "worker_tax_code": "%s", "date": "%s", "start_time": "09:00", "duration_minutes": 240, "activity": "other", "pay": {"amount": "36.00", "currency": "EUR"}}', c[2], worker, date)
  else
    body = string.format('{"channel": "libretto_famiglia", "client_id": "%s", "worker_tax_code": "%s", "date": "%s", "start_time": "09:00", "duration_minutes": 60, "activity": "small_domestic_jobs"}', c[2], worker, date)
  end
  return wrk.format("POST", "/v1/services", {["Authorization"] = "Bearer " .. c[1], ["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  if status ~= 201 and not (status == 422 and string.find(body, "occasional-limit-exceeded", 1, true)) then
    io.stderr:write("unexpected status " .. status .. " " .. body .. "\n")
  end
end
"#
    .replace("@CLIENTS@", &format!("{{{clients}}}"))
    .replace("@HOT@", &format!("{{{}}}", quoted(hot)))
    .replace("@FULL@", &format!("{{{}}}", quoted(full)))
    .replace("@DATES@", &format!("{{{}}}", quoted(dates)))
    .replace("@REFUSED@", &REFUSED_PERCENT.to_string())
}

/// The same transaction as `POST /v1/services`, in minimal SQL: pgbench client n plays
/// session n % 64 (`bench_hot`), picks the worker as wrk does, and records the service when
/// every limit holds.
fn pgbench_sql(calendar: &Calendar) -> String {
    let year = calendar.year;
    let next = year + 1;
    let first = calendar.first;
    format!(
        "\\set r random(1, 100)
\\set h random(0, {hot})
\\set f random(0, {full})
\\set day random(0, {last_day})
SELECT cid, actor, subject, presto, channel, token_hash FROM bench_hot WHERE n = :client_id % {clients} \\gset
\\if :r <= {REFUSED_PERCENT}
SELECT tax_code AS worker FROM bench_full_workers WHERE n = :f \\gset
\\else
SELECT tax_code AS worker FROM bench_hot_workers WHERE n = :h \\gset
\\endif
\\if :presto
\\set minutes 240
\\set titles 0
\\set net 3600
\\set gross 4950
\\set pension 1188
\\set inail 126
\\set management 36
\\set presto_minutes 240
\\else
\\set minutes 60
\\set titles 1
\\set net 800
\\set gross 1000
\\set pension 165
\\set inail 25
\\set management 10
\\set presto_minutes 0
\\endif
BEGIN;
SELECT s.id, s.tax_code, s.level, s.idp, s.created_at, s.last_seen_at, s.absolute_expires_at, r.role \
  FROM sessions s LEFT JOIN person_roles r ON r.tax_code = s.tax_code \
  WHERE s.token_hash = decode(:token_hash, 'hex') AND s.revoked_at IS NULL \
  AND s.last_seen_at >= now() - interval '30 minutes' AND s.absolute_expires_at > now();
SELECT * FROM occasional_clients WHERE id = :cid FOR UPDATE;
\\if :presto
SELECT tax_code FROM occasional_clients WHERE legal_representative = :actor ORDER BY tax_code;
\\endif
SELECT (category = ANY (ARRAY['pensioner', 'student_under_25', 'unemployed', 'income_support']))::integer AS wcat, \
  declaration, payment_method, iban FROM occasional_workers WHERE tax_code = :worker FOR UPDATE \\gset
SELECT * FROM occasional_rule_sets ORDER BY effective_from;
SELECT \
  COALESCE(SUM(net_cents) FILTER (WHERE worker_tax_code = :worker), 0)::bigint AS worker_net, \
  COALESCE(SUM(weighted_cents) FILTER (WHERE client_id = :cid), 0)::bigint AS client_weighted, \
  COALESCE(SUM(net_cents) FILTER (WHERE worker_tax_code = :worker AND client_id = :cid), 0)::bigint AS pair_net, \
  COALESCE(SUM(presto_minutes) FILTER (WHERE worker_tax_code = :worker AND client_id = :cid), 0)::bigint AS pair_minutes \
  FROM occasional_services WHERE (worker_tax_code = :worker OR client_id = :cid) AND status <> 'revoked' \
  AND work_date >= DATE '{year}-01-01' AND work_date < DATE '{next}-01-01' \\gset
SELECT end_date FROM employments WHERE employer_tax_code = :subject AND worker_tax_code = :worker \
  AND start_date <= DATE '{first}' + :day::integer;
\\set weighted :net * (4 - :wcat) / 4
\\if :worker_net + :net <= 500000 and :client_weighted + :weighted <= 1000000 and :pair_net + :net <= 250000 and :pair_minutes + :presto_minutes <= 16800
UPDATE occasional_clients SET committed_cents = committed_cents + :gross WHERE id = :cid;
INSERT INTO occasional_services (id, client_id, worker_tax_code, channel, status, work_date, start_time, minutes, \
  activity, place, titles, gross_cents, net_cents, pension_cents, inail_cents, management_cents, weighted_cents, \
  presto_minutes, rules_effective_from, late_report_deadline, revocable_until, version, recorded_at, recorded_by) \
  VALUES (gen_random_uuid(), :cid, :worker, :channel, 'recorded', DATE '{first}' + :day::integer, TIME '09:00', :minutes, \
  CASE WHEN :presto = 1 THEN 'other' ELSE 'small_domestic_jobs' END, NULL, NULLIF(:titles, 0), :gross, :net, \
  :pension, :inail, :management, :weighted, :presto_minutes, DATE '2023-01-01', NULL, \
  (DATE '{first}' + :day::integer + 4)::timestamp AT TIME ZONE 'Europe/Rome', 1, now(), :actor);
INSERT INTO audit_events (id, occurred_at, actor_tax_code, subject_tax_code, action, resource, outcome) \
  VALUES (gen_random_uuid(), now(), :actor, :subject, 'service.create', '/v1/services', 'success');
\\endif
COMMIT;
",
        hot = HOT_WORKERS - 1,
        full = FULL - 1,
        last_day = calendar.days - 1,
        clients = HOT_CLIENTS,
    )
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> Result<i64, String> {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .map(|c| c.n)
        .map_err(|e| format!("{sql}: {e}"))
}

#[derive(QueryableByName, Debug)]
struct Overshoot {
    #[diesel(sql_type = BigInt)]
    workers: i64,
    #[diesel(sql_type = BigInt)]
    clients: i64,
    #[diesel(sql_type = BigInt)]
    pairs: i64,
    #[diesel(sql_type = BigInt)]
    presto_pairs: i64,
    #[diesel(sql_type = BigInt)]
    at_worker_limit: i64,
}

/// Every worker, client and pair total of every year against the limits of the rule set in
/// force at the end of that year: how many are over (and, to show the limits were reached, how
/// many workers sit within 8 EUR of theirs).
fn overshoot(conn: &mut PgConnection) -> Result<Overshoot, String> {
    diesel::sql_query(
        "WITH live AS (
           SELECT s.*, extract(year FROM work_date)::integer AS year FROM occasional_services s
           WHERE status <> 'revoked'),
         rules AS (
           SELECT y.year, r.* FROM (SELECT DISTINCT year FROM live) y
           CROSS JOIN LATERAL (SELECT * FROM occasional_rule_sets
             WHERE effective_from <= make_date(y.year, 12, 31) ORDER BY effective_from DESC LIMIT 1) r),
         workers AS (SELECT year, worker_tax_code, sum(net_cents) AS net FROM live GROUP BY 1, 2),
         clients AS (SELECT year, client_id, sum(weighted_cents) AS weighted FROM live GROUP BY 1, 2),
         pairs AS (SELECT year, worker_tax_code, client_id, sum(net_cents) AS net,
                     sum(presto_minutes) AS minutes FROM live GROUP BY 1, 2, 3)
         SELECT
           (SELECT count(*) FROM workers w JOIN rules r USING (year) WHERE w.net > r.worker_limit_cents) AS workers,
           (SELECT count(*) FROM clients t JOIN rules r USING (year) JOIN occasional_clients c ON c.id = t.client_id
              WHERE t.weighted > CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(r.listed_sectors) e
                                                   WHERE c.ateco LIKE (e->>'prefix') || '%')
                                      THEN r.client_listed_sector_limit_cents ELSE r.client_limit_cents END) AS clients,
           (SELECT count(*) FROM pairs p JOIN rules r USING (year) WHERE p.net > r.pair_limit_cents) AS pairs,
           (SELECT count(*) FROM pairs p JOIN rules r USING (year)
              WHERE p.minutes > r.presto_pair_hours * 60) AS presto_pairs,
           (SELECT count(*) FROM workers w JOIN rules r USING (year)
              WHERE w.net > r.worker_limit_cents - 800) AS at_worker_limit",
    )
    .get_result(conn)
    .map_err(|e| format!("checking the limits: {e}"))
}

fn check_limits(conn: &mut PgConnection, when: &str) -> Result<(), String> {
    let found = overshoot(conn)?;
    if found.workers + found.clients + found.pairs + found.presto_pairs > 0 {
        return Err(format!(
            "OVERSHOOT {when}: {} workers, {} clients, {} pairs (net), {} PrestO pairs (hours) over their limits",
            found.workers, found.clients, found.pairs, found.presto_pairs
        ));
    }
    println!(
        "limits {when}: 0 overshoot (workers, clients, pairs, PrestO pair hours); {} workers within 8 EUR of their limit",
        found.at_worker_limit
    );
    Ok(())
}

/// What summing a year costs: the totals query of `POST /v1/services` for `samples` random
/// pairs of a load client and a shared worker, one after the other on one connection; returns
/// the mean time in ms and the mean number of services summed.
fn sum_cost(conn: &mut PgConnection, year: i32, samples: usize) -> Result<(f64, f64), String> {
    #[derive(QueryableByName)]
    struct Summed {
        #[diesel(sql_type = BigInt)]
        rows: i64,
        #[diesel(sql_type = BigInt)]
        worker_net: i64,
    }
    let pairs: Vec<(String, String)> = strings(
        conn,
        &format!(
            "SELECT w.tax_code || ' ' || h.cid AS value FROM bench_hot h \
             CROSS JOIN LATERAL (SELECT tax_code FROM bench_hot_workers \
               ORDER BY random() + h.n * 0 LIMIT {per}) w",
            per = samples.div_ceil(HOT_CLIENTS)
        ),
    )?
    .into_iter()
    .filter_map(|v| v.split_once(' ').map(|(a, b)| (a.to_owned(), b.to_owned())))
    .collect();
    let started = Instant::now();
    let mut rows = 0;
    for (worker, client) in &pairs {
        let summed: Summed = diesel::sql_query(format!(
            "SELECT count(*) AS rows, \
               COALESCE(SUM(net_cents) FILTER (WHERE worker_tax_code = $1), 0)::bigint AS worker_net, \
               COALESCE(SUM(weighted_cents) FILTER (WHERE client_id = $2::uuid), 0)::bigint AS client_weighted, \
               COALESCE(SUM(net_cents) FILTER (WHERE worker_tax_code = $1 AND client_id = $2::uuid), 0)::bigint AS pair_net, \
               COALESCE(SUM(presto_minutes) FILTER (WHERE worker_tax_code = $1 AND client_id = $2::uuid), 0)::bigint AS pair_minutes \
             FROM occasional_services WHERE (worker_tax_code = $1 OR client_id = $2::uuid) AND status <> 'revoked' \
               AND work_date >= DATE '{year}-01-01' AND work_date < DATE '{next}-01-01'",
            next = year + 1
        ))
        .bind::<Text, _>(worker)
        .bind::<Text, _>(client)
        .get_result(conn)
        .map_err(|e| format!("summing a year: {e}"))?;
        rows += summed.rows;
        std::hint::black_box(summed.worker_net);
    }
    let n = pairs.len().max(1) as f64;
    Ok((
        started.elapsed().as_secs_f64() * 1000.0 / n,
        rows as f64 / n,
    ))
}

/// The one text column `value` of each row of `sql`.
fn strings(conn: &mut PgConnection, sql: &str) -> Result<Vec<String>, String> {
    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = Text)]
        value: String,
    }
    diesel::sql_query(sql)
        .load::<Value>(conn)
        .map(|rows| rows.into_iter().map(|r| r.value).collect())
        .map_err(|e| format!("{sql}: {e}"))
}

/// Generates the dataset, runs the API and pgbench, checks the limits, prints the report.
pub fn occasional(shape: Shape, sizes: Sizes) -> Result<(), String> {
    sizes.check()?;
    let binary = server_binary()?;
    let calendar = Calendar::of(OffsetDateTime::now_utc())?;
    let db = TestDb::new();
    let started = Instant::now();
    let clients = generate(&db, sizes, calendar.year)?;
    let generated = started.elapsed().as_secs_f64();
    let mut conn = db.connect();
    let services = count(&mut conn, "SELECT count(*) AS n FROM occasional_services")?;
    println!(
        "occasional: {} workers, {} clients ({} Libretto Famiglia, {} PrestO), {services} services in {} generated in {generated:.1} s",
        sizes.workers,
        sizes.clients,
        sizes.persons(),
        sizes.businesses(),
        calendar.year
    );
    check_limits(&mut conn, "after generation")?;

    let hot = strings(
        &mut conn,
        "SELECT tax_code AS value FROM bench_hot_workers ORDER BY n",
    )?;
    let full = strings(
        &mut conn,
        "SELECT tax_code AS value FROM bench_full_workers ORDER BY n",
    )?;
    let dir = std::env::temp_dir().join(format!("inps-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let script = dir.join("occasional.lua");
    std::fs::write(&script, lua(&clients, &hot, &full, &calendar.dates()))
        .map_err(|e| e.to_string())?;
    let sql: PathBuf = dir.join("occasional.sql");
    std::fs::write(&sql, pgbench_sql(&calendar)).map_err(|e| e.to_string())?;

    println!(
        "load: {} connections, {} s per side, {} client sessions ({} Libretto Famiglia, {} PrestO), \
         {HOT_WORKERS} shared workers, {REFUSED_PERCENT} % of requests for one of {FULL} workers at their limit, days {} to {}-12-31",
        shape.connections,
        shape.seconds,
        clients.len(),
        HOT_CLIENTS / 2,
        HOT_CLIENTS / 2,
        calendar.first,
        calendar.year
    );
    let port = free_port().map_err(|e| e.to_string())?;
    let server = start_server(&binary, &db.url, port, &[])?;
    let before = count(&mut conn, "SELECT count(*) AS n FROM occasional_services")?;
    let api = run_wrk(&script, port, shape)?;
    drop(server);
    let after_api = count(&mut conn, "SELECT count(*) AS n FROM occasional_services")?;
    let pg = run_pgbench(&[sql], &db.url, shape)?;
    let after_pg = count(&mut conn, "SELECT count(*) AS n FROM occasional_services")?;
    let requests = api.per_second * shape.seconds as f64;
    let accepted = after_api - before;
    println!(
        "API:     {:.0} req/s (p50 {:.2} ms, p99 {:.2} ms), {accepted} services recorded, ~{:.0} % refused at a limit",
        api.per_second,
        api.p50_ms,
        api.p99_ms,
        100.0 * (1.0 - accepted as f64 / requests).max(0.0)
    );
    println!(
        "pgbench: {:.0} tps (average latency {:.2} ms), {} services recorded; API = {:.0} % of pgbench",
        pg.per_second,
        pg.mean_ms,
        after_pg - after_api,
        100.0 * api.per_second / pg.per_second
    );
    check_limits(&mut conn, "after the run")?;
    let (ms, rows) = sum_cost(&mut conn, calendar.year, 512)?;
    println!(
        "year totals: {ms:.2} ms per query on one connection, {rows:.0} services summed on average \
         (pgbench's whole transaction: {:.2} ms average latency at {} clients)",
        pg.mean_ms, shape.connections
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
