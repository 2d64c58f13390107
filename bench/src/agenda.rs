//! `agenda`: the appointment agenda (Agenda Appuntamenti) on a large dataset, against PostgreSQL.
//!
//! 1. **Dataset**, generated set-based into the run's own database (`INSERT ... SELECT` over
//!    `generate_series` and `unnest`, never row by row through the API): `--employers` employers
//!    (person, employer role, registry row, one employment each), `--points` consultation points
//!    open Monday to Friday 08:30-12:30 in slots of 30 minutes, and `--appointments`
//!    appointments over the `--months` months before and after today, each on a slot the plan
//!    offers (the slot list comes from the domain's own `list_slots`, so national holidays and the
//!    clock changes are what the API computes), each with its own eligible quesito (answered
//!    negatively), in realistic states (past: mostly closed, some cancelled, a few still
//!    confirmed or expired drafts; future: mostly confirmed, some cancelled, some drafts), and
//!    `slot_seats` equal to the seat-holding appointments of each slot. Seats per slot are
//!    chosen so that no slot has more seat-holding appointments than seats.
//! 2. **Load cases**, each on the release server (`wrk`, or a Rust driver for the request pairs)
//!    and then `pgbench` on the minimal SQL of the same work, in the same run:
//!    - a. search: `GET /v1/appointments?employment_code=&state=&from=&to=` by the sessions of
//!      `--sessions` distinct employers;
//!    - b. slot listing: `GET /v1/consultation-points/{id}/slots?from=&to=` over a week;
//!    - c. draft + confirm: `--contention` connections, each pair a draft and its confirmation,
//!      on `--contention-slots` slots of `--contention-seats` seats, so most confirmations are
//!      409. After the run, every slot is checked in SQL: no slot has more seat-holding
//!      appointments than seats, and `slot_seats` counts exactly those; the run fails otherwise.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::sql_types::{Array, Text, Timestamptz};
use inps_domain::agenda::{Schedule, list_slots};
use inps_domain::employment::EmploymentCode;
use inps_tests::TestDb;
use inps_tests::personas::with_check_char;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::load::{Measured, Shape, free_port, percentile, run_pgbench, run_wrk, start_server};

/// The sizes of the dataset and of the load.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Employers (each with one employment and a person with the employer role).
    pub employers: usize,
    /// Consultation points.
    pub points: usize,
    /// Appointments.
    pub appointments: usize,
    /// Months before and after today that the appointments cover.
    pub months: u16,
    /// Distinct employers with a session (cases a and b).
    pub sessions: usize,
    /// Connections of cases a and b, and seconds of every side.
    pub shape: Shape,
    /// Connections of case c (one employer each).
    pub contention: usize,
    /// Slots case c fights over (per side).
    pub contention_slots: usize,
    /// Seats of each of those slots.
    pub contention_seats: u16,
    /// Connections of the latency pass (cases a and c again, below saturation).
    pub latency_connections: usize,
    /// Leave the generated database behind (its URL is printed), to investigate it.
    pub keep: bool,
}

/// The weekly plan of every point: Monday to Friday 08:30-12:30, slots of 30 minutes.
fn weekdays(seats: u16) -> String {
    let days: Vec<String> = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .iter()
        .map(|d| {
            format!(
                r#"{{"weekday": "{d}", "openings": [{{"start": "08:30", "end": "12:30"}}], "slot_minutes": 30, "seats": {seats}}}"#
            )
        })
        .collect();
    format!(r#"{{"days": [{}], "exceptions": []}}"#, days.join(", "))
}

/// The slots of that plan from `from` to `to` (Italian dates), as the API computes them.
fn plan_slots(
    from: time::Date,
    to: time::Date,
) -> Result<Vec<(OffsetDateTime, OffsetDateTime)>, String> {
    let hours: inps_api::agenda::consultation_points::wire::OpeningHours =
        serde_json::from_str(&weekdays(1)).map_err(|e| e.to_string())?;
    let hours = inps_domain::agenda::points::OpeningHours::from(hours);
    let (weekly, exceptions) = hours.checked().map_err(|e| e.to_string())?;
    let schedule = Schedule::new(weekly, exceptions, Vec::new()).map_err(|e| e.to_string())?;
    let mut slots = Vec::new();
    let mut day = from;
    while day <= to {
        let last = (day + time::Duration::days(59)).min(to);
        slots.extend(
            list_slots(&schedule, day, last)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|s| (s.start, s.end)),
        );
        day = last + time::Duration::days(1);
    }
    Ok(slots)
}

/// Employer `n`'s tax code: six letters spelling `n` in base 26, then a fixed birth date and
/// place, and the check character.
fn employer(n: usize) -> String {
    let mut letters = [b'A'; 6];
    let mut rest = n;
    for letter in letters.iter_mut().rev() {
        *letter = b'A' + u8::try_from(rest % 26).unwrap_or(0);
        rest /= 26;
    }
    let prefix = String::from_utf8_lossy(&letters).into_owned();
    with_check_char(&format!("{prefix}80A01H501"))
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn rfc3339(t: OffsetDateTime) -> Result<String, String> {
    t.format(&Rfc3339).map_err(|e| e.to_string())
}

fn exec(conn: &mut PgConnection, what: &str, sql: &str) -> Result<(), String> {
    conn.batch_execute(sql).map_err(|e| format!("{what}: {e}"))
}

/// What the load cases need from the dataset.
struct Dataset {
    /// Session tokens of `--sessions` employers, with their employment code.
    sessions: Vec<(String, String)>,
    /// The points' ids.
    points: Vec<uuid::Uuid>,
    /// Case c: per connection, its token, employment code and fresh eligible quesiti.
    contenders: Vec<(String, String, Vec<uuid::Uuid>)>,
    /// Case c: the point it fights over and its slots for the API and for pgbench.
    contention_point: uuid::Uuid,
    api_slots: Vec<OffsetDateTime>,
    /// Seats of each of case c's slots.
    contention_seats: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> Result<i64, String> {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .map(|c| c.n)
        .map_err(|e| format!("{sql}: {e}"))
}

/// Quesiti per contending connection (one is used up by each confirmation that succeeds).
const CONTENDER_INQUIRIES: usize = 16;

/// Generates the dataset (see the module's documentation); prints how long each part took.
fn generate(db: &TestDb, sizes: &Sizes) -> Result<Dataset, String> {
    let mut conn = db.connect();
    let started = Instant::now();
    let now = OffsetDateTime::now_utc();
    let today = inps_domain::rome_time::rome_date(now);
    let span = time::Duration::days(i64::from(sizes.months) * 365 / 12);
    let grid = plan_slots(today - span, today + span)?;
    let per_point = grid.len();
    let slots_total = per_point * sizes.points;
    if slots_total == 0 || sizes.employers == 0 {
        return Err("no slots or no employers: check the sizes".into());
    }
    let seats = sizes.appointments.div_ceil(slots_total).max(2);
    if seats > 100 {
        return Err(format!(
            "{} appointments need {seats} seats per slot (at most 100): more points or months",
            sizes.appointments
        ));
    }
    // Tax codes and employment codes carry check characters: computed here, loaded in one go.
    let employers: Vec<String> = (0..sizes.employers).map(employer).collect();
    let codes: Vec<String> = (0..sizes.employers)
        .map(|n| {
            EmploymentCode::from_sequence(500_000_000 + n as u64)
                .map(|c| c.as_str().to_owned())
                .ok_or("too many employers")
        })
        .collect::<Result<_, _>>()?;
    let worker = with_check_char("VRDLCU90B41H501");
    exec(
        &mut conn,
        "bench tables",
        "CREATE TABLE bench_people (n integer PRIMARY KEY, tax_code text NOT NULL, code text NOT NULL);
         CREATE TABLE bench_grid (k integer PRIMARY KEY, start timestamptz NOT NULL, \"end\" timestamptz NOT NULL);
         CREATE TABLE bench_points (n integer PRIMARY KEY, id uuid NOT NULL, seats integer NOT NULL);",
    )?;
    diesel::sql_query(
        "INSERT INTO bench_people SELECT (ord - 1)::integer, t, c FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(t, c, ord)",
    )
    .bind::<Array<Text>, _>(&employers)
    .bind::<Array<Text>, _>(&codes)
    .execute(&mut conn)
    .map_err(|e| format!("bench_people: {e}"))?;
    let (starts, ends): (Vec<OffsetDateTime>, Vec<OffsetDateTime>) = grid.iter().copied().unzip();
    diesel::sql_query(
        "INSERT INTO bench_grid SELECT (ord - 1)::integer, s, e FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS u(s, e, ord)",
    )
    .bind::<Array<Timestamptz>, _>(&starts)
    .bind::<Array<Timestamptz>, _>(&ends)
    .execute(&mut conn)
    .map_err(|e| format!("bench_grid: {e}"))?;

    let (e, p, a, k) = (sizes.employers, sizes.points, sizes.appointments, per_point);
    let plan = weekdays(u16::try_from(seats).unwrap_or(2)).replace('\'', "''");
    let contention_plan = weekdays(sizes.contention_seats).replace('\'', "''");
    let step = Instant::now();
    // Foreign keys hold by construction: their per-row checks are skipped for the bulk load.
    exec(
        &mut conn,
        "people",
        &format!(
            "SET session_replication_role = replica;
             INSERT INTO persons (tax_code, given_name, family_name, created_at)
               SELECT tax_code, 'Datore', 'Bench ' || n, now() - interval '2 years' FROM bench_people;
             INSERT INTO person_roles (tax_code, role, granted_at)
               SELECT tax_code, 'employer', now() - interval '2 years' FROM bench_people;
             INSERT INTO employers (tax_code, given_name, family_name, created_at)
               SELECT tax_code, 'Datore', 'Bench ' || n, now() - interval '2 years' FROM bench_people;
             INSERT INTO employments (code, employer_tax_code, worker_tax_code, worker_given_name, worker_family_name,
                                      employment_type, start_date, weekly_hours, hourly_pay, live_in, fixed_term, cuaf, created_at)
               SELECT code, tax_code, '{worker}', 'Lucia', 'Verdi', (ARRAY['colf', 'badante', 'baby_sitter'])[1 + n % 3],
                      date '2024-01-01', 25, 10, false, false, false, now() - interval '2 years'
               FROM bench_people;
             INSERT INTO bench_points SELECT g, gen_random_uuid(), {seats} FROM generate_series(0, {p} - 1) AS g;
             INSERT INTO bench_points VALUES ({p}, gen_random_uuid(), {cs});
             INSERT INTO consultation_points (id, name, address, opening_hours, created_at, updated_at)
               SELECT id, 'INPS Sede ' || n, 'Via del Banco ' || n, (CASE WHEN n < {p} THEN '{plan}' ELSE '{contention_plan}' END)::jsonb,
                      now() - interval '2 years', now() - interval '2 years'
               FROM bench_points;",
            cs = sizes.contention_seats,
        ),
    )?;
    println!(
        "  {e} employers, {} points: {:.1} s",
        p + 1,
        step.elapsed().as_secs_f64()
    );
    let step = Instant::now();
    // Appointment i is employer (i mod E)'s, at slot s = i mod (P * K): point s / K, the K-th
    // slot of its grid s mod K; at most ceil(A / (P * K)) <= seats appointments share a slot.
    exec(
        &mut conn,
        "appointments",
        &format!(
            "CREATE TEMPORARY TABLE bench_appointments AS
             SELECT i, md5('a' || i)::uuid AS id, md5('q' || i)::uuid AS inquiry, pe.tax_code, pe.code,
                    po.id AS point_id, g.start, g.\"end\", r,
                    CASE WHEN g.start < now() THEN
                           CASE WHEN r < 62 THEN 'closed_resolved' WHEN r < 72 THEN 'confirmed'
                                WHEN r < 94 THEN 'cancelled' ELSE 'draft' END
                         ELSE
                           CASE WHEN r < 78 THEN 'confirmed' WHEN r < 93 THEN 'cancelled' ELSE 'draft' END
                    END AS state,
                    least(now() - interval '1 hour', g.start - (5 + r % 20) * interval '1 day') AS created_at
             FROM (SELECT i, (abs(hashint4(i)::bigint) % 100)::integer AS r FROM generate_series(0, {a} - 1) AS i) AS x
             JOIN bench_people pe ON pe.n = x.i % {e}
             JOIN bench_points po ON po.n = (x.i % ({p} * {k})) / {k}
             JOIN bench_grid g ON g.k = (x.i % ({p} * {k})) % {k};
             INSERT INTO inquiries (id, protocol_number, employment_code, employer_tax_code, topic, text, sent_at, sent_by,
                                    outcome, answer_text, answered_at, answered_by, answer_deadline)
               SELECT inquiry, 'INPS.DL.2025.' || (900000000 + i), code, tax_code,
                      (ARRAY['mav', 'registry_data', 'contributions', 'employment_status', 'notices'])[1 + i % 5],
                      'Quesito di prova ' || i, created_at - interval '40 days', tax_code,
                      'negative', 'Risposta negativa', created_at - interval '35 days', 'sede',
                      (created_at - interval '40 days')::date + 30
               FROM bench_appointments;
             INSERT INTO appointments (id, employer_tax_code, employment_code, point_id, slot_start, slot_end, state, note,
                                       channels, booked_by, cancelled_by, cancel_reason, created_at, draft_expires_at, updated_at)
               SELECT id, tax_code, code, point_id, start, \"end\", state, 'Appuntamento di prova ' || i,
                      ARRAY['inbox'], tax_code,
                      CASE WHEN state = 'cancelled' THEN (CASE WHEN r % 2 = 0 THEN 'office' ELSE 'user' END) END,
                      CASE WHEN state = 'cancelled' AND r % 2 = 0 THEN 'Sede chiusa per inventario' END,
                      created_at, created_at + interval '24 hours',
                      CASE WHEN state = 'closed_resolved' THEN \"end\" WHEN state = 'draft' THEN created_at
                           ELSE created_at + interval '10 minutes' END
               FROM bench_appointments;
             INSERT INTO appointment_inquiries (appointment_id, inquiry_id, position, confirmed)
               SELECT id, inquiry, 0, state = 'confirmed' FROM bench_appointments;
             INSERT INTO slot_seats (point_id, start, taken)
               SELECT point_id, start, count(*) FROM bench_appointments
               WHERE state IN ('confirmed', 'closed_resolved') GROUP BY point_id, start;
             DROP TABLE bench_appointments;"
        ),
    )?;
    println!(
        "  {a} appointments with their quesiti and seats ({k} slots per point, {seats} seats each): {:.1} s",
        step.elapsed().as_secs_f64()
    );

    // Sessions of `--sessions` employers spread over the range, and case c's contenders (the
    // last employers) with fresh eligible quesiti.
    let step = Instant::now();
    let spread = (e / sizes.sessions.max(1)).max(1);
    let mut sessions = Vec::new();
    let mut hashes = Vec::new();
    let mut who = Vec::new();
    for s in 0..sizes.sessions.min(e) {
        let n = s * spread;
        let token = format!("bench-{n}-{}", uuid::Uuid::new_v4().simple());
        hashes.push(token_hash(&token));
        who.push(i32::try_from(n).map_err(|e| e.to_string())?);
        sessions.push((token, codes[n].clone()));
    }
    let mut contenders = Vec::new();
    let mut contender_hashes = Vec::new();
    let mut contender_who = Vec::new();
    for c in 0..sizes.contention.min(e) {
        let n = e - 1 - c;
        let token = format!("bench-c{n}-{}", uuid::Uuid::new_v4().simple());
        contender_hashes.push(token_hash(&token));
        contender_who.push(i32::try_from(n).map_err(|e| e.to_string())?);
        contenders.push((token, codes[n].clone(), Vec::new()));
    }
    diesel::sql_query(
        "CREATE TABLE bench_sessions AS
         SELECT (ord - 1)::integer AS n, pe.tax_code, pe.code, h AS token_hash
         FROM unnest($1::integer[], $2::text[]) WITH ORDINALITY AS u(who, h, ord) JOIN bench_people pe ON pe.n = u.who",
    )
    .bind::<Array<diesel::sql_types::Integer>, _>(&who)
    .bind::<Array<Text>, _>(&hashes)
    .execute(&mut conn)
    .map_err(|e| format!("bench_sessions: {e}"))?;
    diesel::sql_query(
        "CREATE TABLE bench_contention AS
         SELECT (ord - 1)::integer AS n, pe.tax_code, pe.code, h AS token_hash,
                md5('c' || (ord - 1) || '-0')::uuid AS inquiry
         FROM unnest($1::integer[], $2::text[]) WITH ORDINALITY AS u(who, h, ord) JOIN bench_people pe ON pe.n = u.who",
    )
    .bind::<Array<diesel::sql_types::Integer>, _>(&contender_who)
    .bind::<Array<Text>, _>(&contender_hashes)
    .execute(&mut conn)
    .map_err(|e| format!("bench_contention: {e}"))?;
    exec(
        &mut conn,
        "sessions",
        &format!(
            "ALTER TABLE bench_sessions ADD PRIMARY KEY (n);
             ALTER TABLE bench_contention ADD PRIMARY KEY (n);
             INSERT INTO sessions (id, token_hash, tax_code, level, idp, created_at, last_seen_at, absolute_expires_at)
               SELECT gen_random_uuid(), decode(token_hash, 'hex'), tax_code, 'L2', 'spid', now(), now(), now() + interval '8 hours'
               FROM (SELECT token_hash, tax_code FROM bench_sessions UNION ALL SELECT token_hash, tax_code FROM bench_contention) AS s;
             INSERT INTO inquiries (id, protocol_number, employment_code, employer_tax_code, topic, text, sent_at, sent_by,
                                    outcome, answer_text, answered_at, answered_by, answer_deadline)
               SELECT md5('c' || c.n || '-' || j)::uuid, 'INPS.DL.2026.' || (990000000 + c.n * 100 + j), c.code, c.tax_code, 'mav',
                      'Quesito da discutere', now() - interval '40 days', c.tax_code, 'negative', 'Risposta negativa',
                      now() - interval '35 days', 'sede', (now() - interval '40 days')::date + 30
               FROM bench_contention c, generate_series(0, {CONTENDER_INQUIRIES} - 1) AS j;
             SET session_replication_role = DEFAULT;
             ANALYZE;"
        ),
    )?;
    println!(
        "  {} + {} sessions, contenders' quesiti, ANALYZE: {:.1} s",
        sessions.len(),
        contenders.len(),
        step.elapsed().as_secs_f64()
    );
    #[derive(QueryableByName)]
    struct Quesito {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        n: i32,
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: uuid::Uuid,
    }
    let quesiti = diesel::sql_query(format!(
        "SELECT c.n, md5('c' || c.n || '-' || j)::uuid AS id FROM bench_contention c, \
         generate_series(0, {CONTENDER_INQUIRIES} - 1) AS j ORDER BY c.n, j"
    ))
    .load::<Quesito>(&mut conn)
    .map_err(|e| format!("contenders' quesiti: {e}"))?;
    for q in quesiti {
        if let Some(c) = usize::try_from(q.n)
            .ok()
            .and_then(|n| contenders.get_mut(n))
        {
            c.2.push(q.id);
        }
    }
    #[derive(QueryableByName)]
    struct Point {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: uuid::Uuid,
    }
    let points: Vec<uuid::Uuid> = diesel::sql_query("SELECT id FROM bench_points ORDER BY n")
        .load::<Point>(&mut conn)
        .map_err(|e| format!("points: {e}"))?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let (points, contention_point) = match points.split_last() {
        Some((last, rest)) => (rest.to_vec(), *last),
        None => return Err("no points".into()),
    };
    // Case c's slots: the first of the plan more than two days ahead, for the API; the next
    // ones for pgbench (each side starts with free seats).
    let ahead = now + time::Duration::days(2);
    let future: Vec<OffsetDateTime> = grid
        .iter()
        .map(|(start, _)| *start)
        .filter(|start| *start > ahead)
        .take(2 * sizes.contention_slots)
        .collect();
    if future.len() < 2 * sizes.contention_slots {
        return Err("not enough future slots for case c: more --months".into());
    }
    let pgbench_slots: Vec<String> = future[sizes.contention_slots..]
        .iter()
        .map(|s| rfc3339(*s))
        .collect::<Result<_, _>>()?;
    diesel::sql_query(
        "CREATE TABLE bench_contention_slots AS SELECT (ord - 1)::integer AS k, s AS start FROM unnest($1::text[]) WITH ORDINALITY AS u(s, ord);
         ",
    )
    .bind::<Array<Text>, _>(&pgbench_slots)
    .execute(&mut conn)
    .map_err(|e| format!("bench_contention_slots: {e}"))?;
    exec(
        &mut conn,
        "contention slots",
        "ALTER TABLE bench_contention_slots ALTER COLUMN start TYPE timestamptz USING start::timestamptz, ADD PRIMARY KEY (k)",
    )?;
    println!(
        "dataset generated in {:.1} s: {} employers, {} points, {} appointments, seats per slot {seats}",
        started.elapsed().as_secs_f64(),
        count(&mut conn, "SELECT count(*) AS n FROM employers")?,
        count(&mut conn, "SELECT count(*) AS n FROM consultation_points")?,
        count(&mut conn, "SELECT count(*) AS n FROM appointments")?,
    );
    Ok(Dataset {
        sessions,
        points,
        contenders,
        contention_point,
        api_slots: future[..sizes.contention_slots].to_vec(),
        contention_seats: i64::from(sizes.contention_seats),
    })
}

/// A wrk script that sends `GET path` with the session of `token`, rotating over `requests`.
fn get_lua(requests: &[(String, String)]) -> String {
    let list = requests
        .iter()
        .map(|(token, path)| format!("{{\"{token}\", \"{path}\"}}"))
        .collect::<Vec<_>>()
        .join(",\n");
    format!(
        "local requests = {{{list}}}\nlocal i = math.random(#requests)\n\
         request = function()\n  i = i + 1\n  local r = requests[(i % #requests) + 1]\n  \
         return wrk.format(\"GET\", r[2], {{[\"Authorization\"] = \"Bearer \" .. r[1]}}, nil)\nend\n\
         response = function(status, headers, body)\n  if status >= 300 then\n    io.stderr:write(\"unexpected status \" .. status .. \"\\n\")\n  end\nend\n"
    )
}

/// The session of the employer pgbench's client plays (`:tax_code`, `:token_hash`).
const SESSION_SQL: &str =
    "SELECT id, tax_code, level, idp, created_at, last_seen_at, absolute_expires_at FROM sessions \
  WHERE token_hash = decode(:token_hash, 'hex') AND revoked_at IS NULL \
  AND last_seen_at >= now() - interval '30 minutes' AND absolute_expires_at > now();
SELECT role FROM person_roles WHERE tax_code = :tax_code;
";

fn print_row(name: &str, api: Measured, pg: Measured) {
    println!(
        "{name:<58} {:>9.0} {:>7.2} {:>7.2} {:>11.0} {:>7.2} {:>7.2} {:>6.0}%",
        api.per_second,
        api.p50_ms,
        api.p99_ms,
        pg.per_second,
        pg.p50_ms,
        pg.p99_ms,
        100.0 * api.per_second / pg.per_second
    );
}

/// One keep-alive HTTP/1.1 connection (case c's driver).
struct Http {
    reader: BufReader<TcpStream>,
}

impl Http {
    fn connect(port: u16) -> Result<Self, String> {
        let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Self {
            reader: BufReader::new(stream),
        })
    }

    /// Sends one request and reads the whole answer: its status and body.
    fn call(&mut self, path: &str, token: &str, body: &str) -> Result<(u16, String), String> {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {line:?}"))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            self.reader
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse().map_err(|_| "bad content-length")?;
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.eq_ignore_ascii_case("chunked");
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader
                    .read_line(&mut line)
                    .map_err(|e| e.to_string())?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| "bad chunk")?;
                let mut chunk = vec![0; size + 2];
                self.reader
                    .read_exact(&mut chunk)
                    .map_err(|e| e.to_string())?;
                chunk.truncate(size);
                body.extend_from_slice(&chunk);
                if size == 0 {
                    break;
                }
            }
        } else {
            body.resize(length, 0);
            self.reader
                .read_exact(&mut body)
                .map_err(|e| e.to_string())?;
        }
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// What one contender saw.
#[derive(Default)]
struct Tally {
    confirm_ms: Vec<f64>,
    pair_ms: Vec<f64>,
    confirmed: u64,
    full: u64,
    inquiry_taken: u64,
}

/// One contender: draft then confirm, until `deadline`, rotating over the slots; a quesito that
/// got confirmed is used up and the next one is taken.
fn contend(
    port: u16,
    who: (String, String, Vec<uuid::Uuid>),
    point: uuid::Uuid,
    slots: Arc<Vec<String>>,
    offset: usize,
    deadline: Instant,
) -> Result<Tally, String> {
    let (token, code, inquiries) = who;
    let mut http = Http::connect(port)?;
    let mut tally = Tally::default();
    let mut next_inquiry = 0;
    let mut turn = offset;
    while Instant::now() < deadline {
        let Some(inquiry) = inquiries.get(next_inquiry) else {
            return Err("a contender used up its quesiti: raise CONTENDER_INQUIRIES".into());
        };
        turn += 1;
        let slot = &slots[turn % slots.len()];
        let body = format!(
            r#"{{"employment_code": "{code}", "inquiry_ids": ["{inquiry}"], "consultation_point_id": "{point}", "slot_start": "{slot}", "note": "Vorrei chiarire il calcolo dei contributi.", "notification_channels": []}}"#
        );
        let pair = Instant::now();
        let (status, answer) = http.call("/v1/appointments", &token, &body)?;
        if status == 409 && answer.contains("inquiry-on-another-appointment") {
            tally.inquiry_taken += 1;
            next_inquiry += 1;
            continue;
        }
        if status != 201 {
            return Err(format!("draft: {status} {answer}"));
        }
        let id = answer
            .split("\"id\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or_else(|| format!("no id in {answer}"))?
            .to_owned();
        let confirm = Instant::now();
        let (status, answer) =
            http.call(&format!("/v1/appointments/{id}/confirmation"), &token, "")?;
        tally
            .confirm_ms
            .push(confirm.elapsed().as_secs_f64() * 1000.0);
        tally.pair_ms.push(pair.elapsed().as_secs_f64() * 1000.0);
        match status {
            200 => {
                tally.confirmed += 1;
                next_inquiry += 1;
            }
            409 if answer.contains("slot-unavailable") => tally.full += 1,
            _ => return Err(format!("confirmation: {status} {answer}")),
        }
    }
    Ok(tally)
}

/// Case c's check, over every slot of the database: no slot has more seat-holding appointments
/// (confirmed or closed) than its point's seats, and `slot_seats` counts exactly those.
fn double_seats(conn: &mut PgConnection) -> Result<(i64, i64), String> {
    let over = count(
        conn,
        "SELECT count(*) AS n FROM (
           SELECT a.point_id, a.slot_start, count(*) AS held FROM appointments a
           WHERE a.state IN ('confirmed', 'closed_resolved') GROUP BY a.point_id, a.slot_start) AS h
         JOIN bench_points p ON p.id = h.point_id WHERE h.held > p.seats",
    )?;
    let mismatched = count(
        conn,
        "SELECT count(*) AS n FROM (
           SELECT a.point_id, a.slot_start AS start, count(*) AS held FROM appointments a
           WHERE a.state IN ('confirmed', 'closed_resolved') GROUP BY a.point_id, a.slot_start) AS h
         FULL JOIN slot_seats s ON s.point_id = h.point_id AND s.start = h.start
         WHERE coalesce(h.held, 0) <> coalesce(s.taken, 0)",
    )?;
    Ok((over, mismatched))
}

/// Case c's pgbench script: the same two transactions with their minimal SQL.
fn contention_sql(data: &Dataset, slots: usize) -> String {
    let point = data.contention_point;
    let seats = data.contention_seats;
    format!(
        "\\set s random(0, {last})
SELECT tax_code, code, token_hash, inquiry FROM bench_contention WHERE n = :client_id \\gset
SELECT start AS slot FROM bench_contention_slots WHERE k = :s \\gset
BEGIN;
{SESSION_SQL}SELECT * FROM employments WHERE code = :code;
SELECT * FROM consultation_points WHERE id = '{point}';
SELECT * FROM consultation_point_closures WHERE point_id = '{point}' ORDER BY date, created_at;
SELECT * FROM inquiries WHERE id = :inquiry::uuid;
SELECT inquiry_id FROM appointment_inquiries WHERE confirmed AND inquiry_id = :inquiry::uuid;
INSERT INTO appointments (id, employer_tax_code, employment_code, point_id, slot_start, slot_end, state, note, channels, \
  booked_by, created_at, draft_expires_at, updated_at) \
  VALUES (gen_random_uuid(), :tax_code, :code, '{point}', :slot::timestamptz, :slot::timestamptz + interval '30 minutes', 'draft', \
  'Vorrei chiarire il calcolo dei contributi.', ARRAY['inbox'], :tax_code, now(), now() + interval '24 hours', now()) RETURNING id AS appointment \\gset
INSERT INTO appointment_inquiries (appointment_id, inquiry_id, position) VALUES (:appointment::uuid, :inquiry::uuid, 0);
INSERT INTO appointment_history (id, appointment_id, kind, at, by_tax_code, slot_start) \
  VALUES (gen_random_uuid(), :appointment::uuid, 'created', now(), :tax_code, :slot::timestamptz);
INSERT INTO audit_events (id, occurred_at, actor_tax_code, subject_tax_code, action, resource, outcome) \
  VALUES (gen_random_uuid(), now(), :tax_code, :tax_code, 'appointment.create', '/v1/appointments/' || :appointment, 'success');
COMMIT;
BEGIN;
{SESSION_SQL}SELECT * FROM appointments WHERE id = :appointment::uuid FOR UPDATE;
SELECT * FROM inquiries WHERE id = :inquiry::uuid FOR UPDATE;
SELECT inquiry_id FROM appointment_inquiries WHERE confirmed AND inquiry_id = :inquiry::uuid AND appointment_id <> :appointment::uuid;
SELECT * FROM consultation_points WHERE id = '{point}';
SELECT * FROM consultation_point_closures WHERE point_id = '{point}' ORDER BY date, created_at;
WITH seat AS ( \
  INSERT INTO slot_seats (point_id, start, taken) VALUES ('{point}', :slot::timestamptz, 1) \
  ON CONFLICT (point_id, start) DO UPDATE SET taken = slot_seats.taken + 1 WHERE slot_seats.taken < {seats} RETURNING taken) \
UPDATE appointments SET state = 'confirmed', updated_at = now(), version = version + 1 WHERE id = :appointment::uuid AND EXISTS (SELECT FROM seat);
INSERT INTO audit_events (id, occurred_at, actor_tax_code, subject_tax_code, action, resource, outcome) \
  VALUES (gen_random_uuid(), now(), :tax_code, :tax_code, 'appointment.confirmed', '/v1/appointments/' || :appointment, 'success');
COMMIT;
",
        last = slots.saturating_sub(1)
    )
}

/// Writes one pgbench script and runs it.
fn pgbench(
    dir: &std::path::Path,
    name: &str,
    sql: &str,
    url: &str,
    shape: Shape,
) -> Result<Measured, String> {
    let file: PathBuf = dir.join(format!("{name}.sql"));
    std::fs::write(&file, sql).map_err(|e| e.to_string())?;
    run_pgbench(&[file], url, shape)
}

/// Case c with the first `contenders` contenders: the API (the Rust driver) then pgbench on the
/// same transactions; prints the row and returns the API's seats taken.
fn contention_case(
    dir: &std::path::Path,
    data: &Dataset,
    sizes: &Sizes,
    slots: &Arc<Vec<String>>,
    (port, url): (u16, &str),
    contenders: usize,
) -> Result<u64, String> {
    let seconds = sizes.shape.seconds;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let handles: Vec<_> = data
        .contenders
        .iter()
        .take(contenders)
        .cloned()
        .enumerate()
        .map(|(i, who)| {
            let slots = Arc::clone(slots);
            let point = data.contention_point;
            std::thread::spawn(move || contend(port, who, point, slots, i, deadline))
        })
        .collect();
    let mut total = Tally::default();
    for handle in handles {
        let tally = handle
            .join()
            .map_err(|_| "a contender panicked".to_owned())??;
        total.confirm_ms.extend(tally.confirm_ms);
        total.pair_ms.extend(tally.pair_ms);
        total.confirmed += tally.confirmed;
        total.full += tally.full;
        total.inquiry_taken += tally.inquiry_taken;
    }
    let elapsed = started.elapsed().as_secs_f64();
    total.confirm_ms.sort_by(f64::total_cmp);
    total.pair_ms.sort_by(f64::total_cmp);
    let pairs = total.confirm_ms.len() as f64;
    let pg = pgbench(
        dir,
        "confirm",
        &contention_sql(data, sizes.contention_slots),
        url,
        Shape {
            connections: contenders,
            seconds,
        },
    )?;
    let api = Measured {
        per_second: pairs / elapsed,
        p50_ms: percentile(&total.pair_ms, 0.50),
        p99_ms: percentile(&total.pair_ms, 0.99),
        mean_ms: 0.0,
    };
    print_row(
        &format!(
            "c. draft + confirm, {contenders} conns, {} slots x {} seats",
            sizes.contention_slots, sizes.contention_seats
        ),
        api,
        pg,
    );
    println!(
        "   c ({contenders}): {pairs:.0} pairs in {elapsed:.1} s; confirmations: {} taken a seat, {} 409 slot-unavailable; \
         drafts refused for a used-up quesito: {}; confirmation alone p50 {:.2} ms, p99 {:.2} ms (the row: the pair)",
        total.confirmed,
        total.full,
        total.inquiry_taken,
        percentile(&total.confirm_ms, 0.50),
        percentile(&total.confirm_ms, 0.99),
    );
    Ok(total.confirmed)
}

/// Runs case `name` with wrk on `requests` and pgbench on `sql`; prints its row.
fn get_case(
    dir: &std::path::Path,
    (name, label): (&str, &str),
    requests: &[(String, String)],
    sql: &str,
    (port, url): (u16, &str),
    shape: Shape,
) -> Result<(), String> {
    let script = dir.join(format!("{name}.lua"));
    std::fs::write(&script, get_lua(requests)).map_err(|e| e.to_string())?;
    let api = run_wrk(&script, port, shape)?;
    let pg = pgbench(dir, name, sql, url, shape)?;
    print_row(label, api, pg);
    Ok(())
}

/// Generates the dataset, runs the three cases and prints the report.
pub fn agenda(sizes: Sizes) -> Result<(), String> {
    let binary = crate::load::server_binary()?;
    let db = TestDb::new();
    println!(
        "agenda: generating {} employers, {} points, {} appointments over +/- {} months",
        sizes.employers, sizes.points, sizes.appointments, sizes.months
    );
    let data = generate(&db, &sizes)?;
    let dir = std::env::temp_dir().join(format!("inps-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let port = free_port().map_err(|e| e.to_string())?;
    let server = start_server(&binary, &db.url, port, &[])?;
    let shape = sizes.shape;
    println!(
        "load: {} connections (case c: {}), {} s per side, {} distinct employer sessions, release server",
        shape.connections,
        sizes.contention,
        shape.seconds,
        data.sessions.len()
    );
    println!(
        "{:<58} {:>9} {:>7} {:>7} {:>11} {:>7} {:>7} {:>7}",
        "case", "API req/s", "p50 ms", "p99 ms", "pgbench tps", "p50 ms", "p99 ms", "API %"
    );

    // a. Search: the employer's confirmed appointments of an employment over six months.
    let now = OffsetDateTime::now_utc();
    let (from, to) = (
        rfc3339(now - time::Duration::days(91))?,
        rfc3339(now + time::Duration::days(91))?,
    );
    let requests: Vec<(String, String)> = data
        .sessions
        .iter()
        .map(|(token, code)| {
            (
                token.clone(),
                format!(
                    "/v1/appointments?employment_code={code}&state=confirmed&from={from}&to={to}"
                ),
            )
        })
        .collect();
    let search_sql = format!(
        "\\set n random(0, {last})
SELECT tax_code, code, token_hash FROM bench_sessions WHERE n = :n \\gset
{SESSION_SQL}SELECT * FROM employments WHERE code = :code;
SELECT * FROM appointments WHERE employer_tax_code = :tax_code AND employment_code = :code AND state = 'confirmed' \
  AND slot_start >= '{from}' AND slot_start < '{to}' ORDER BY slot_start DESC, id DESC LIMIT 51;
",
        last = data.sessions.len().saturating_sub(1)
    );
    get_case(
        &dir,
        (
            "search",
            "a. search: GET /v1/appointments?employment_code&state&from&to",
        ),
        &requests,
        &search_sql,
        (port, &db.url),
        shape,
    )?;
    let latency_shape = Shape {
        connections: sizes.latency_connections.max(1),
        seconds: shape.seconds,
    };
    get_case(
        &dir,
        (
            "search",
            &format!("a'. search, {} connections", latency_shape.connections),
        ),
        &requests,
        &search_sql,
        (port, &db.url),
        latency_shape,
    )?;

    // b. Slot listing: a point's slots over next week.
    let monday = {
        let today = inps_domain::rome_time::rome_date(now);
        today + time::Duration::days(7 - i64::from(today.weekday().number_days_from_monday()))
    };
    let sunday = monday + time::Duration::days(6);
    let requests: Vec<(String, String)> = data
        .sessions
        .iter()
        .enumerate()
        .map(|(i, (token, _))| {
            let point = data.points[(i * 7) % data.points.len()];
            (
                token.clone(),
                format!("/v1/consultation-points/{point}/slots?from={monday}&to={sunday}"),
            )
        })
        .collect();
    let (week_from, week_to) = (
        rfc3339(monday.midnight().assume_utc() - time::Duration::hours(2))?,
        rfc3339(sunday.midnight().assume_utc() + time::Duration::hours(24))?,
    );
    let slots_sql = format!(
        "\\set n random(0, {last_session})
\\set p random(0, {last_point})
SELECT tax_code, token_hash FROM bench_sessions WHERE n = :n \\gset
SELECT id AS point FROM bench_points WHERE n = :p \\gset
{SESSION_SQL}SELECT * FROM consultation_points WHERE id = :point::uuid;
SELECT * FROM consultation_point_closures WHERE point_id = :point::uuid ORDER BY date, created_at;
SELECT start, taken FROM slot_seats WHERE point_id = :point::uuid AND start >= '{week_from}' AND start < '{week_to}';
",
        last_session = data.sessions.len().saturating_sub(1),
        last_point = data.points.len().saturating_sub(1)
    );
    get_case(
        &dir,
        (
            "slots",
            "b. slots: GET /v1/consultation-points/{id}/slots (a week)",
        ),
        &requests,
        &slots_sql,
        (port, &db.url),
        shape,
    )?;

    // c. Draft + confirm under contention, then again with the latency pass's contenders.
    let slots = Arc::new(
        data.api_slots
            .iter()
            .map(|s| rfc3339(*s))
            .collect::<Result<Vec<_>, _>>()?,
    );
    let mut confirmed = contention_case(
        &dir,
        &data,
        &sizes,
        &slots,
        (port, &db.url),
        data.contenders.len(),
    )?;
    confirmed += contention_case(
        &dir,
        &data,
        &sizes,
        &slots,
        (port, &db.url),
        sizes
            .latency_connections
            .clamp(1, data.contenders.len().max(1)),
    )?;
    drop(server);
    let mut conn = db.connect();
    let (over, mismatched) = double_seats(&mut conn)?;
    let seats_api = i64::try_from(sizes.contention_slots).unwrap_or(0) * data.contention_seats;
    println!(
        "   c: after the run: {over} slots with more seat-holding appointments than seats, \
         {mismatched} slots whose slot_seats differs from them (API side: {} of {seats_api} seats taken)",
        confirmed
    );
    let _ = std::fs::remove_dir_all(&dir);
    if sizes.keep {
        // Renamed out of the test databases' prefix, which test runs sweep.
        let (server, name) = db.url.rsplit_once('/').ok_or("a database URL")?;
        let kept = format!(
            "inps_bench_agenda_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        drop(conn);
        PgConnection::establish(&format!("{server}/postgres"))
            .and_then(|mut admin| {
                admin
                    .batch_execute(&format!("ALTER DATABASE \"{name}\" RENAME TO \"{kept}\""))
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
            })
            .map_err(|e| format!("keeping the database: {e}"))?;
        println!("kept the database: {server}/{kept} (drop it when done)");
        std::mem::forget(db);
    }
    if over > 0 || mismatched > 0 || i64::try_from(confirmed).unwrap_or(0) > seats_api {
        return Err(format!(
            "DOUBLE SEATS: {over} slots over their seats, {mismatched} slot_seats rows wrong, {confirmed} confirmations for {seats_api} seats"
        ));
    }
    Ok(())
}
