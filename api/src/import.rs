//! `inps-api import employments --file F.csv` and `inps-api import contribution-payments --file
//! F.csv`: employments and pagoPA payments recorded in bulk by the back office.
//!
//! All or nothing. Every line is parsed and checked first, and the problems of every bad line are
//! reported together (`line N: column: reason`, the header being line 1) with the domain's rules;
//! only a clean file is recorded, in one transaction, through the same use cases as the API
//! (`record_employment`, `record_payment`), so a failure there stores nothing either, and a
//! refusal's field errors become the line's errors.

mod line;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use anyhow::Context as _;
use diesel::Connection as _;
use inps_domain::employment::RecordEmployment;
use inps_domain::rome_time::rome_date;
use time::{Date, OffsetDateTime};

use self::line::{Fields, parse_payment, parse_record};
use crate::auth::Actor;
use crate::cassetto::contributions::use_cases::record_payment;
use crate::cassetto::employments::use_cases::record_employment;
use crate::problems::Problem;
use crate::refusal::Refusal;
use crate::settings::Settings;

/// The columns of an employments file, in the order of the sample (any order is accepted).
pub const COLUMNS: [&str; 18] = [
    "employer_tax_code",
    "employer_given_name",
    "employer_family_name",
    "employer_street",
    "employer_postal_code",
    "employer_municipality",
    "employer_province",
    "worker_tax_code",
    "worker_given_name",
    "worker_family_name",
    "employment_type",
    "start_date",
    "end_date",
    "weekly_hours",
    "hourly_pay",
    "live_in",
    "fixed_term",
    "cuaf",
];

/// The columns of a contribution payments file.
pub const PAYMENT_COLUMNS: [&str; 5] = [
    "employment_code",
    "quarter",
    "pagopa_notice_number",
    "paid_on",
    "amount",
];

/// How many problems a failed import lists.
pub const MAX_REPORTED_ERRORS: usize = 50;

/// One problem of an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// The column, or `header`, `record`, `file`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.reason)
    }
}

fn line_error(line: u64, field: &str, reason: impl Into<String>) -> LineError {
    LineError {
        line,
        field: field.to_owned(),
        reason: reason.into(),
    }
}

fn csv_error(e: &csv::Error, fallback_line: u64) -> LineError {
    let line = e.position().map_or(fallback_line, csv::Position::line);
    let reason = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => e.to_string(),
    };
    line_error(line, "record", reason)
}

/// The header's column positions, or the problems of the header.
fn header_index(
    headers: &csv::StringRecord,
    columns: &[&'static str],
) -> Result<HashMap<&'static str, usize>, Vec<LineError>> {
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(vec![line_error(
            1,
            "header",
            format!(
                "the file is empty: expected a header row with {}",
                columns.join(",")
            ),
        )]);
    }
    let mut index = HashMap::new();
    let mut errors = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        let name = name
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        match columns.iter().find(|c| **c == name) {
            Some(column) if index.insert(*column, i).is_some() => {
                errors.push(line_error(1, column, "duplicate column"));
            }
            Some(_) => {}
            None => errors.push(line_error(1, &name, "unknown column")),
        }
    }
    for column in columns {
        if !index.contains_key(column) {
            errors.push(line_error(1, column, "missing column"));
        }
    }
    if errors.is_empty() {
        Ok(index)
    } else {
        Err(errors)
    }
}

/// Parses a whole file into `(line, value)` pairs with `parse`, or every problem found.
fn parse_lines<T>(
    reader: impl Read,
    columns: &[&'static str],
    parse: fn(&mut Fields<'_>) -> Option<T>,
    today: Date,
) -> Result<Vec<(u64, T)>, Vec<LineError>> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers = csv.headers().map_err(|e| vec![csv_error(&e, 1)])?.clone();
    let index = header_index(&headers, columns)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut last_line = 1;
    for record in csv.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(csv_error(&e, last_line + 1));
                if matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ) {
                    continue;
                }
                break;
            }
        };
        let line = record.position().map_or(last_line + 1, csv::Position::line);
        last_line = line;
        let mut fields = Fields {
            line,
            today,
            values: index
                .iter()
                .map(|(column, i)| (*column, record.get(*i).unwrap_or("")))
                .collect(),
            errors: Vec::new(),
        };
        match parse(&mut fields) {
            Some(input) if fields.errors.is_empty() => rows.push((line, input)),
            _ => errors.append(&mut fields.errors),
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.push(line_error(2, "file", "no lines after the header"));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Parses an employments CSV file (header row, the [`COLUMNS`]; empty optional fields are none,
/// booleans `true`/`false`, dates `YYYY-MM-DD`, decimals with a dot), checked with the rules of
/// today. Either every line is valid, or the problems of every bad line are returned, in file
/// order.
pub fn parse_employments_csv(reader: impl Read) -> Result<Vec<RecordEmployment>, Vec<LineError>> {
    let today = rome_date(OffsetDateTime::now_utc());
    parse_lines(reader, &COLUMNS, parse_record, today)
        .map(|rows| rows.into_iter().map(|(_, input)| input).collect())
}

/// The message of a refused file: the first [`MAX_REPORTED_ERRORS`] problems, one a line.
pub fn describe_errors(errors: &[LineError]) -> String {
    let mut text = format!("{} problem(s), nothing imported:", errors.len());
    for e in errors.iter().take(MAX_REPORTED_ERRORS) {
        text.push('\n');
        text.push_str(&e.to_string());
    }
    if errors.len() > MAX_REPORTED_ERRORS {
        text.push_str(&format!(
            "\n... and {} more",
            errors.len() - MAX_REPORTED_ERRORS
        ));
    }
    text
}

/// The CSV column of a request field: `employer.given_name` → `employer_given_name`,
/// `employer_address.street` → `employer_street`, `hourly_pay.amount` → `hourly_pay`.
pub(crate) fn column_of(field: &str) -> String {
    field
        .trim_end_matches(".amount")
        .replace("employer_address.", "employer_")
        .replace('.', "_")
}

/// The problems of a line refused by a use case: its field errors, named by column, or the
/// refusal itself.
fn use_case_errors(line: u64, refusal: &Refusal) -> Vec<LineError> {
    let details = refusal.details();
    if details.errors.is_empty() {
        let spec = details.problem.spec();
        let reason = match &details.detail {
            Some(detail) => format!("{}: {}", spec.title_en, detail.en),
            None => spec.title_en.to_owned(),
        };
        return vec![line_error(line, "record", reason)];
    }
    details
        .errors
        .iter()
        .map(|f| line_error(line, &column_of(&f.field), f.reason.en.to_string()))
        .collect()
}

/// Imports the employments of the CSV file at `path` in one transaction, as the command line;
/// returns their codes in file order. Nothing is stored when any line is refused.
pub fn import_employments(
    settings: &Settings,
    path: &Path,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<String>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let rows = parse_lines(
        std::io::BufReader::new(file),
        &COLUMNS,
        parse_record,
        rome_date(now),
    )
    .map_err(|errors| anyhow::anyhow!("{}: {}", path.display(), describe_errors(&errors)))?;
    let mut conn = crate::cli::connect(settings)?;
    let actor = Actor::cli();
    let mut refused = Vec::new();
    let codes = conn.transaction::<_, anyhow::Error, _>(|conn| {
        let mut codes = Vec::with_capacity(rows.len());
        for (line, input) in &rows {
            match record_employment(conn, &actor, input.clone(), now) {
                Ok(employment) => codes.push(employment.code.as_str().to_owned()),
                Err(e) => {
                    refused = use_case_errors(*line, &e);
                    anyhow::bail!("refused");
                }
            }
        }
        Ok(codes)
    });
    codes.map_err(|e| {
        if refused.is_empty() {
            e.context(format!("{}: nothing imported", path.display()))
        } else {
            anyhow::anyhow!("{}: {}", path.display(), describe_errors(&refused))
        }
    })
}

/// Imports the contribution payments of the CSV file at `path` (columns [`PAYMENT_COLUMNS`]:
/// employment code, quarter `YYYY-Qn`, 18-digit pagoPA notice number, payment date, amount) in
/// one transaction, as the command line; returns how many were recorded. Nothing is stored when
/// any line is refused (unknown employment, quarter outside it or prescribed, notice recorded
/// before).
pub fn import_payments(
    settings: &Settings,
    path: &Path,
    now: OffsetDateTime,
) -> anyhow::Result<usize> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let rows = parse_lines(
        std::io::BufReader::new(file),
        &PAYMENT_COLUMNS,
        parse_payment,
        rome_date(now),
    )
    .map_err(|errors| anyhow::anyhow!("{}: {}", path.display(), describe_errors(&errors)))?;
    let mut conn = crate::cli::connect(settings)?;
    let actor = Actor::cli();
    let mut refused = Vec::new();
    let recorded = conn.transaction::<_, anyhow::Error, _>(|conn| {
        for (line, (code, input)) in &rows {
            if let Err(refusal) = record_payment(conn, &actor, code, input.clone(), now) {
                refused = if refusal.problem() == Problem::NotFound {
                    vec![line_error(
                        *line,
                        "employment_code",
                        format!("no employment {code}"),
                    )]
                } else {
                    use_case_errors(*line, &refusal)
                };
                anyhow::bail!("refused");
            }
        }
        Ok(rows.len())
    });
    recorded.map_err(|e| {
        if refused.is_empty() {
            e.context(format!("{}: nothing imported", path.display()))
        } else {
            anyhow::anyhow!("{}: {}", path.display(), describe_errors(&refused))
        }
    })
}
