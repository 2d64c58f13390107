//! The wire shapes of services and limits.

use inps_domain::money::Money;
use inps_domain::occasional::limits::{LimitReport, Warning as DWarning};
use inps_domain::occasional::service::{
    Activity as DActivity, ServiceDraft, ServiceStatus as DServiceStatus, Terms,
};
use inps_persistence::occasional_services::Service as DService;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, Time};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::use_cases::{Gauge, NewService, PairUsage, ServicePatch, ServiceQuery, YearLimits};
use crate::cassetto::employments::wire::tax_code;
use crate::occasional::clients::wire::OccasionalChannel;
use crate::problems::Text;
use crate::refusal::Refusal;
use crate::wire::MoneySchema;

crate::wire::wire_enum! {
    /// What the work is.
    ServiceActivity <=> DActivity {
        /// Piccoli lavori domestici, including gardening, cleaning and maintenance (c.10 a).
        SmallDomesticJobs,
        /// Assistenza domiciliare ai bambini e alle persone anziane, ammalate o con disabilità
        /// (c.10 b).
        HomeCare,
        /// Insegnamento privato supplementare (c.10 c).
        PrivateTuition,
        /// Anything else: PrestO only.
        Other,
    }
}

crate::wire::wire_enum! {
    /// The status of a service.
    OccasionalServiceStatus <=> DServiceStatus {
        /// Recorded (Libretto Famiglia) or declared (PrestO).
        Recorded,
        /// The worker asked for a clarification.
        Disputed,
        /// Changed by a rettifica.
        Rectified,
        /// Revoked within the window: nothing is paid, the funds are released.
        Revoked,
        /// Paid by INPS.
        Paid,
    }
}

/// A new service (prestazione).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "channel": "presto", "client_id": "6f1c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21",
    "worker_tax_code": "RSSMRA45D25F205N", "date": "2026-03-10", "start_time": "09:00",
    "duration_minutes": 240, "place": "Via Roma 1, Roma", "activity": "other",
    "pay": {"amount": "40.00", "currency": "EUR"}
}))]
pub struct NewServiceBody {
    /// `libretto_famiglia` (a person client) or `presto` (a business client).
    pub channel: OccasionalChannel,
    /// The client.
    pub client_id: uuid::Uuid,
    /// The worker's codice fiscale (a registered worker).
    #[schema(max_length = 22)]
    pub worker_tax_code: String,
    /// The day of work.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Start, Italian civil time, `HH:MM`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length = 5)]
    pub start_time: String,
    /// Duration in minutes, ending by midnight.
    #[schema(minimum = 1, maximum = 1440)]
    pub duration_minutes: i64,
    /// Where the work is done.
    #[serde(default)]
    #[schema(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub place: Option<String>,
    /// What the work is (the Libretto Famiglia allows the first three only).
    pub activity: ServiceActivity,
    /// PrestO only: the pay for the day, net to the worker (at least 9 EUR an hour and 36 EUR).
    #[serde(default)]
    #[schema(value_type = Option<MoneySchema>)]
    pub pay: Option<Money>,
}

/// What a service costs the client and pays the worker.
#[derive(Debug, Serialize, ToSchema)]
pub struct AmountsBody {
    /// Everything the client pays.
    #[schema(value_type = MoneySchema)]
    pub gross: Money,
    /// Net to the worker: what counts against the limits.
    #[schema(value_type = MoneySchema)]
    pub net: Money,
    /// IVS contribution to the Gestione separata.
    #[schema(value_type = MoneySchema)]
    pub pension: Money,
    /// INAIL premium.
    #[schema(value_type = MoneySchema)]
    pub inail: Money,
    /// INPS management costs.
    #[schema(value_type = MoneySchema)]
    pub management: Money,
}

/// A service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceBody {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The instrument.
    pub channel: OccasionalChannel,
    /// The client.
    pub client_id: uuid::Uuid,
    /// The worker.
    #[schema(max_length = 16)]
    pub worker_tax_code: String,
    /// The day of work.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Start, `HH:MM`.
    #[schema(max_length = 5)]
    pub start_time: String,
    /// Duration in minutes.
    pub duration_minutes: u32,
    /// Where.
    #[schema(max_length = 200)]
    pub place: Option<String>,
    /// What.
    pub activity: ServiceActivity,
    /// Status.
    pub status: OccasionalServiceStatus,
    /// Libretto Famiglia titles (hours rounded up).
    pub titles: Option<u32>,
    /// The amounts.
    pub amounts: AmountsBody,
    /// The first day of the rule set that judged it.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub rules_effective_from: Date,
    /// A late Libretto Famiglia report: the deadline (the 3rd of the next month) it missed.
    #[serde(with = "crate::wire::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub late_report_deadline: Option<Date>,
    /// Revocable until (midnight, Europe/Rome).
    #[serde(with = "time::serde::rfc3339::option")]
    pub revocable_until: Option<OffsetDateTime>,
    /// Version (the ETag).
    pub version: i32,
    /// When recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// When revoked.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// A total that reached 80 % or 95 % of its limit.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningBody {
    /// `worker`, `client`, `pair` or `presto_pair_hours`.
    #[schema(max_length = 20)]
    pub limit: String,
    /// 80 or 95.
    pub threshold: u8,
    /// Whether this service reached it (both parties were notified).
    pub newly_reached: bool,
}

/// What is left of each limit after the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResidualBody {
    /// Of the worker limit.
    #[schema(value_type = MoneySchema)]
    pub worker: Money,
    /// Of the client limit (weighted euro).
    #[schema(value_type = MoneySchema)]
    pub client: Money,
    /// Of the pair limit.
    #[schema(value_type = MoneySchema)]
    pub pair: Money,
    /// Of the PrestO hours of the pair, in minutes.
    pub presto_pair_minutes: u32,
}

/// A recorded service, with what is left of each limit and the warnings.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedService {
    /// The service.
    pub service: ServiceBody,
    /// What is left after it.
    pub residual: ResidualBody,
    /// Limits at or past 80 % or 95 %.
    pub warnings: Vec<WarningBody>,
}

/// A page of services.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServicePage {
    /// The services, latest date first.
    pub items: Vec<ServiceBody>,
    /// The cursor of the next page, if any.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// The filters of `GET /v1/services`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceFilter {
    /// Only this client's services.
    pub client_id: Option<uuid::Uuid>,
    /// Only this worker's services.
    #[param(max_length = 22)]
    pub worker_tax_code: Option<String>,
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
    /// Only workers whose name contains every word given (separated by spaces, in any order,
    /// each matched as a substring of the given and family name), ignoring case and Latin
    /// accents: `nicolo ross` finds Nicolò Rossi. 2 to 100 characters, at most 5 words.
    #[param(min_length = 2, max_length = 100, pattern = "^[^\\u0000]*$")]
    pub worker_name: Option<String>,
}

/// `?year=` of the limits.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The calendar year (default: this year).
    #[param(minimum = 2017, maximum = 2100, format = Int32)]
    #[serde(default, deserialize_with = "crate::wire::integral::option_i32")]
    pub year: Option<i32>,
}

/// One limit: the amount, what is used and what is left.
#[derive(Debug, Serialize, ToSchema)]
pub struct GaugeBody {
    /// The limit.
    #[schema(value_type = MoneySchema)]
    pub limit: Money,
    /// Used in the year.
    #[schema(value_type = MoneySchema)]
    pub used: Money,
    /// Left.
    #[schema(value_type = MoneySchema)]
    pub residual: Money,
}

/// One counterpart's share of the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairBody {
    /// The client.
    pub client_id: uuid::Uuid,
    /// The worker.
    #[schema(max_length = 16)]
    pub worker_tax_code: String,
    /// The pair limit (2,500 EUR).
    pub pair: GaugeBody,
    /// PrestO minutes used by the pair.
    pub presto_minutes_used: i64,
    /// PrestO minutes left of the 280 hours.
    pub presto_minutes_residual: i64,
}

/// A year's limits.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "year": 2026, "rules_effective_from": "2023-01-01",
    "total": {"limit": {"amount": "5000.00", "currency": "EUR"}, "used": {"amount": "40.00", "currency": "EUR"}, "residual": {"amount": "4960.00", "currency": "EUR"}},
    "pairs": []
}))]
pub struct LimitsBody {
    /// The year.
    pub year: i32,
    /// The rule set applied (in force at the end of the year).
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub rules_effective_from: Date,
    /// The worker limit (net pay) or the client limit (pay weighted at 75 % for the special
    /// categories).
    pub total: GaugeBody,
    /// Per counterpart: for a worker per client, for a client per worker.
    pub pairs: Vec<PairBody>,
}

fn invalid(field: &str, it: &'static str, en: &'static str) -> Refusal {
    Refusal::invalid_field(field, Text::new(it, en))
}

pub(crate) fn start_time(text: &str) -> Result<Time, Refusal> {
    let bad = || {
        invalid(
            "start_time",
            "ora non valida (HH:MM)",
            "invalid time (HH:MM)",
        )
    };
    let (hours, minutes) = text.split_once(':').ok_or_else(bad)?;
    if hours.len() != 2 || minutes.len() != 2 {
        return Err(bad());
    }
    let hours: u8 = hours.parse().map_err(|_| bad())?;
    let minutes: u8 = minutes.parse().map_err(|_| bad())?;
    Time::from_hms(hours, minutes, 0).map_err(|_| bad())
}

pub(crate) fn duration(minutes: i64) -> Result<u32, Refusal> {
    u32::try_from(minutes)
        .ok()
        .filter(|m| (1..=1440).contains(m))
        .ok_or_else(|| invalid("duration_minutes", "da 1 a 1440", "from 1 to 1440"))
}

pub(crate) fn place(text: &str) -> Result<String, Refusal> {
    inps_domain::text::clean_text(text, 200)
        .map_err(|_| invalid("place", "vuoto o troppo lungo", "blank or too long"))
}

impl TryFrom<NewServiceBody> for NewService {
    type Error = Refusal;

    fn try_from(body: NewServiceBody) -> Result<Self, Refusal> {
        let terms = match (body.channel, body.pay) {
            (OccasionalChannel::Presto, Some(pay)) => Terms::Presto { pay },
            (OccasionalChannel::Presto, None) => {
                return Err(invalid(
                    "pay",
                    "obbligatorio per PrestO",
                    "required for PrestO",
                ));
            }
            (OccasionalChannel::LibrettoFamiglia, None) => Terms::LibrettoFamiglia,
            (OccasionalChannel::LibrettoFamiglia, Some(_)) => {
                return Err(invalid(
                    "pay",
                    "il Libretto Famiglia paga a titoli",
                    "the Libretto Famiglia pays by titles",
                ));
            }
        };
        let minutes = duration(body.duration_minutes)?;
        let place = body.place.map(|p| place(&p)).transpose()?;
        Ok(Self {
            client_id: body.client_id,
            worker: tax_code("worker_tax_code", &body.worker_tax_code)?,
            draft: ServiceDraft {
                date: body.date,
                start: start_time(&body.start_time)?,
                minutes,
                activity: body.activity.into(),
                terms,
            },
            place,
        })
    }
}

impl From<DService> for ServiceBody {
    fn from(s: DService) -> Self {
        let a = s.amounts;
        Self {
            id: s.id,
            channel: s.draft.channel().into(),
            client_id: s.client_id,
            worker_tax_code: s.worker.as_str().to_owned(),
            date: s.draft.date,
            start_time: format!("{:02}:{:02}", s.draft.start.hour(), s.draft.start.minute()),
            duration_minutes: s.draft.minutes,
            place: s.place,
            activity: s.draft.activity.into(),
            status: s.status.into(),
            titles: a.titles,
            amounts: AmountsBody {
                gross: a.gross,
                net: a.net,
                pension: a.pension,
                inail: a.inail,
                management: a.management,
            },
            rules_effective_from: s.rules_effective_from,
            late_report_deadline: s.late_report,
            revocable_until: s.revocable_until,
            version: s.version,
            recorded_at: s.recorded_at,
            revoked_at: s.revoked_at,
        }
    }
}

impl From<&DWarning> for WarningBody {
    fn from(w: &DWarning) -> Self {
        Self {
            limit: w.limit.as_str().to_owned(),
            threshold: w.threshold,
            newly_reached: w.newly_reached,
        }
    }
}

impl From<(DService, LimitReport)> for RecordedService {
    fn from((service, report): (DService, LimitReport)) -> Self {
        let r = report.residual;
        Self {
            service: service.into(),
            residual: ResidualBody {
                worker: r.worker,
                client: r.client,
                pair: r.pair,
                presto_pair_minutes: r.presto_pair_minutes,
            },
            warnings: report.warnings.iter().map(WarningBody::from).collect(),
        }
    }
}

impl TryFrom<ServiceFilter> for ServiceQuery {
    type Error = Refusal;

    fn try_from(f: ServiceFilter) -> Result<Self, Refusal> {
        Ok(Self {
            client_id: f.client_id,
            worker: f
                .worker_tax_code
                .map(|w| tax_code("worker_tax_code", &w))
                .transpose()?,
            from: f.from,
            to: f.to,
            status: f.status.map(Into::into),
            activity: f.activity.map(Into::into),
            worker_name: f
                .worker_name
                .as_deref()
                .map(name_words)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// The words of a `worker_name` filter: 2 to 100 characters, at most 5 words, no control
/// characters (422 `worker_name` otherwise).
pub fn name_words(text: &str) -> Result<Vec<String>, Refusal> {
    let chars = text.chars().count();
    let words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    if !(2..=100).contains(&chars)
        || words.is_empty()
        || words.len() > 5
        || text.chars().any(char::is_control)
    {
        return Err(invalid(
            "worker_name",
            "da 2 a 100 caratteri, al massimo 5 parole",
            "2 to 100 characters, at most 5 words",
        ));
    }
    Ok(words)
}

impl From<Gauge> for GaugeBody {
    fn from(g: Gauge) -> Self {
        Self {
            limit: g.limit,
            used: g.used,
            residual: g.residual,
        }
    }
}

impl From<YearLimits> for LimitsBody {
    fn from(l: YearLimits) -> Self {
        Self {
            year: l.year,
            rules_effective_from: l.rules_effective_from,
            total: l.total.into(),
            pairs: l
                .pairs
                .into_iter()
                .map(|p: PairUsage| PairBody {
                    client_id: p.client_id,
                    worker_tax_code: p.worker,
                    pair: p.pair.into(),
                    presto_minutes_used: p.presto_minutes_used,
                    presto_minutes_residual: p.presto_minutes_residual,
                })
                .collect(),
        }
    }
}

/// A rettifica (JSON Merge Patch, `application/merge-patch+json`): the fields to change; absent
/// fields keep their value. The channel, the client and the worker do not change (a new service
/// is needed for that).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"duration_minutes": 300, "pay": {"amount": "45.00", "currency": "EUR"}}))]
pub struct ServicePatchBody {
    /// The day of work.
    #[serde(default, with = "crate::wire::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<Date>,
    /// Start, `HH:MM`.
    #[serde(default)]
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length = 5)]
    pub start_time: Option<String>,
    /// Duration in minutes, ending by midnight.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1440)]
    pub duration_minutes: Option<i64>,
    /// Where the work is done.
    #[serde(default)]
    #[schema(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub place: Option<String>,
    /// What the work is.
    #[serde(default)]
    pub activity: Option<ServiceActivity>,
    /// PrestO only: the pay for the day, net to the worker.
    #[serde(default)]
    #[schema(value_type = Option<MoneySchema>)]
    pub pay: Option<Money>,
}

/// The day (and optionally the start) of a duplicate.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-03-17"}))]
pub struct DuplicateBody {
    /// The day of the new service.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// Its start, `HH:MM` (default: the same as the source).
    #[serde(default)]
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length = 5)]
    pub start_time: Option<String>,
}

/// Every version of a service, the current one first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceVersions {
    /// The versions, newest first.
    pub items: Vec<ServiceBody>,
}

impl TryFrom<ServicePatchBody> for ServicePatch {
    type Error = Refusal;

    fn try_from(body: ServicePatchBody) -> Result<Self, Refusal> {
        Ok(Self {
            date: body.date,
            start: body.start_time.as_deref().map(start_time).transpose()?,
            minutes: body.duration_minutes.map(duration).transpose()?,
            activity: body.activity.map(Into::into),
            pay: body.pay,
            place: body.place.as_deref().map(place).transpose()?,
        })
    }
}

impl DuplicateBody {
    /// The day and start of the duplicate.
    pub fn when(&self) -> Result<(Date, Option<Time>), Refusal> {
        Ok((
            self.date,
            self.start_time.as_deref().map(start_time).transpose()?,
        ))
    }
}
