//! The wire shapes of the lists and exports: the filters, and the CSV and JSON renderings of
//! services (the same fields as the items of `GET /v1/services`).

use inps_persistence::occasional_services::Service as DService;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::use_cases::PortfolioQuery;
use crate::cassetto::employments::wire::tax_code;
use crate::occasional::services::use_cases::ServiceQuery;
use crate::occasional::services::wire::{
    OccasionalServiceStatus, ServiceActivity, ServiceBody, name_words,
};
use crate::occasional::workers::wire::PaymentMethodKind;
use crate::problems::Text;
use crate::refusal::Refusal;

/// The filters of a worker's services (`GET /v1/workers/{tax_code}/services` and its export).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkerServiceFilter {
    /// Only this client's services.
    pub client_id: Option<uuid::Uuid>,
    /// From this day.
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::wire::iso_date::option")]
    pub from: Option<Date>,
    /// Up to this day.
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::wire::iso_date::option")]
    pub to: Option<Date>,
    /// In this status.
    pub status: Option<OccasionalServiceStatus>,
    /// Of this activity.
    pub activity: Option<ServiceActivity>,
}

impl From<WorkerServiceFilter> for ServiceQuery {
    fn from(f: WorkerServiceFilter) -> Self {
        Self {
            client_id: f.client_id,
            from: f.from,
            to: f.to,
            status: f.status.map(Into::into),
            activity: f.activity.map(Into::into),
            ..Self::default()
        }
    }
}

/// The filters of a client's export (`GET /v1/clients/{id}/services/export`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientServiceFilter {
    /// Only this worker's services.
    #[param(max_length = 22)]
    pub worker_tax_code: Option<String>,
    /// Only workers whose name contains every word given (as in `GET /v1/services`).
    #[param(min_length = 2, max_length = 100, pattern = "^[^\\u0000]*$")]
    pub worker_name: Option<String>,
    /// From this day.
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::wire::iso_date::option")]
    pub from: Option<Date>,
    /// Up to this day.
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::wire::iso_date::option")]
    pub to: Option<Date>,
    /// In this status.
    pub status: Option<OccasionalServiceStatus>,
    /// Of this activity.
    pub activity: Option<ServiceActivity>,
}

impl TryFrom<ClientServiceFilter> for ServiceQuery {
    type Error = Refusal;

    fn try_from(f: ClientServiceFilter) -> Result<Self, Refusal> {
        Ok(Self {
            worker: f
                .worker_tax_code
                .map(|w| tax_code("worker_tax_code", &w))
                .transpose()?,
            worker_name: f
                .worker_name
                .as_deref()
                .map(name_words)
                .transpose()?
                .unwrap_or_default(),
            from: f.from,
            to: f.to,
            status: f.status.map(Into::into),
            activity: f.activity.map(Into::into),
            ..Self::default()
        })
    }
}

/// The filters of an intermediary's portfolio (`GET /v1/portfolio/services` and its export).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortfolioFilter {
    /// Only this subject's services (as the worker or the client). A subject who has not
    /// delegated the caller gives an empty list, like one without services.
    #[param(max_length = 22)]
    pub tax_code: Option<String>,
    /// From this day.
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::wire::iso_date::option")]
    pub from: Option<Date>,
    /// Up to this day.
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::wire::iso_date::option")]
    pub to: Option<Date>,
    /// In this status.
    pub status: Option<OccasionalServiceStatus>,
    /// Only services of workers paid this way.
    pub payment_method: Option<PaymentMethodKind>,
    /// Of this activity.
    pub activity: Option<ServiceActivity>,
}

impl TryFrom<PortfolioFilter> for PortfolioQuery {
    type Error = Refusal;

    fn try_from(f: PortfolioFilter) -> Result<Self, Refusal> {
        Ok(Self {
            tax_code: f.tax_code.map(|t| tax_code("tax_code", &t)).transpose()?,
            from: f.from,
            to: f.to,
            status: f.status.map(Into::into),
            payment_method: f.payment_method.map(|m| {
                inps_domain::occasional::worker::PaymentMethodKind::from(m)
                    .as_str()
                    .to_owned()
            }),
            activity: f.activity.map(Into::into),
        })
    }
}

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// RFC 4180 CSV, UTF-8, with a header row.
    Csv,
    /// A JSON array of services.
    Json,
}

/// `?format=` of an export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `csv` (default) or `json`; anything else is 422.
    #[param(value_type = Option<ExportFormat>, inline)]
    pub format: Option<String>,
}

impl FormatQuery {
    /// The format asked (422 `format` for an unknown one).
    pub fn format(&self) -> Result<ExportFormat, Refusal> {
        match self.format.as_deref() {
            None | Some("csv") => Ok(ExportFormat::Csv),
            Some("json") => Ok(ExportFormat::Json),
            Some(_) => Err(Refusal::invalid_field(
                "format",
                Text::new(
                    "formato non supportato (csv, json)",
                    "unsupported format (csv, json)",
                ),
            )),
        }
    }
}

/// A file of exported services: CSV or a JSON array.
#[derive(Debug, ToSchema)]
#[schema(value_type = String)]
pub struct ServicesCsv(pub String);

/// The CSV columns: a header and where its value is in a list item (a JSON pointer).
const COLUMNS: &[(&str, &str)] = &[
    ("id", "/id"),
    ("channel", "/channel"),
    ("client_id", "/client_id"),
    ("worker_tax_code", "/worker_tax_code"),
    ("date", "/date"),
    ("start_time", "/start_time"),
    ("duration_minutes", "/duration_minutes"),
    ("place", "/place"),
    ("activity", "/activity"),
    ("status", "/status"),
    ("titles", "/titles"),
    ("gross", "/amounts/gross/amount"),
    ("net", "/amounts/net/amount"),
    ("pension", "/amounts/pension/amount"),
    ("inail", "/amounts/inail/amount"),
    ("management", "/amounts/management/amount"),
    ("currency", "/amounts/gross/currency"),
    ("rules_effective_from", "/rules_effective_from"),
    ("late_report_deadline", "/late_report_deadline"),
    ("revocable_until", "/revocable_until"),
    ("version", "/version"),
    ("recorded_at", "/recorded_at"),
    ("revoked_at", "/revoked_at"),
];

/// A CSV cell that no spreadsheet runs as a formula: text starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'` (OWASP, CSV injection).
pub fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => safe_cell(s),
        Some(other) => safe_cell(&other.to_string()),
    }
}

/// Renders exported services one at a time into a buffer.
pub struct Rendering {
    format: ExportFormat,
    csv: Option<csv::Writer<Vec<u8>>>,
    json: Vec<u8>,
    rows: usize,
}

impl std::fmt::Debug for Rendering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rendering")
            .field("format", &self.format)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl Rendering {
    /// An empty rendering in `format` (the CSV header written).
    pub fn new(format: ExportFormat) -> Result<Self, Refusal> {
        let csv = match format {
            ExportFormat::Csv => {
                let mut writer = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(Vec::new());
                writer
                    .write_record(COLUMNS.iter().map(|(name, _)| *name))
                    .map_err(Refusal::internal)?;
                Some(writer)
            }
            ExportFormat::Json => None,
        };
        Ok(Self {
            format,
            csv,
            json: b"[".to_vec(),
            rows: 0,
        })
    }

    /// Adds `service`.
    pub fn push(&mut self, service: &DService) -> Result<(), Refusal> {
        let body = ServiceBody::from(service.clone());
        match &mut self.csv {
            Some(writer) => {
                let value = serde_json::to_value(&body).map_err(Refusal::internal)?;
                writer
                    .write_record(COLUMNS.iter().map(|(_, at)| cell(value.pointer(at))))
                    .map_err(Refusal::internal)?;
            }
            None => {
                if self.rows > 0 {
                    self.json.push(b',');
                }
                serde_json::to_writer(&mut self.json, &body).map_err(Refusal::internal)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// The file: its bytes and its media type.
    pub fn finish(self) -> Result<(Vec<u8>, &'static str), Refusal> {
        match (self.format, self.csv) {
            (ExportFormat::Csv, Some(writer)) => Ok((
                writer.into_inner().map_err(Refusal::internal)?,
                "text/csv; charset=utf-8",
            )),
            _ => {
                let mut json = self.json;
                json.push(b']');
                Ok((json, "application/json"))
            }
        }
    }
}

/// The `Content-Disposition` of an export named `stem` over `from`..`to`.
pub fn attachment(stem: &str, (from, to): (Date, Date), format: ExportFormat) -> String {
    let ext = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    };
    format!("attachment; filename=\"{stem}_{from}_{to}.{ext}\"")
}
