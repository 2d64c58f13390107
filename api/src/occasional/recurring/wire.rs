//! The wire shapes of recurring rules.

use inps_domain::money::Money;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, Weekday as DWeekday};
use utoipa::ToSchema;
use validator::Validate;

use super::use_cases::{NewRule, Occurrence, RuleView, weekdays};
use crate::agenda::consultation_points::wire::Weekday;
use crate::cassetto::employments::wire::tax_code;
use crate::occasional::clients::wire::OccasionalChannel;
use crate::occasional::services::wire::{ServiceActivity, duration, place, start_time};
use crate::refusal::Refusal;
use crate::wire::MoneySchema;

/// The weekday of the wire (the agenda's: one `Weekday` schema in the contract).
fn wire_weekday(day: DWeekday) -> Weekday {
    match day {
        DWeekday::Monday => Weekday::Monday,
        DWeekday::Tuesday => Weekday::Tuesday,
        DWeekday::Wednesday => Weekday::Wednesday,
        DWeekday::Thursday => Weekday::Thursday,
        DWeekday::Friday => Weekday::Friday,
        DWeekday::Saturday => Weekday::Saturday,
        DWeekday::Sunday => Weekday::Sunday,
    }
}

/// A new weekly rule. The channel is the client's: PrestO needs `pay`, the Libretto Famiglia
/// refuses it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "worker_tax_code": "RSSMRA45D25F205N", "weekdays": ["monday", "thursday"],
    "start_time": "09:00", "duration_minutes": 240, "place": "Via Roma 1, Roma",
    "activity": "other", "pay": {"amount": "40.00", "currency": "EUR"},
    "first_date": "2026-03-09", "last_date": "2026-06-30"
}))]
pub struct NewRecurringBody {
    /// The worker's codice fiscale (a registered worker).
    #[schema(max_length = 22)]
    pub worker_tax_code: String,
    /// The weekdays of the work (at least one; repeats are ignored).
    #[schema(min_items = 1, max_items = 7)]
    pub weekdays: Vec<Weekday>,
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
    /// PrestO only: the pay of each occurrence, net to the worker.
    #[serde(default)]
    #[schema(value_type = Option<MoneySchema>)]
    pub pay: Option<Money>,
    /// The first day (today or later).
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub first_date: Date,
    /// The last day: at most 365 days after the first.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub last_date: Date,
}

impl NewRecurringBody {
    /// The command for client `client_id`.
    pub fn command(self, client_id: uuid::Uuid) -> Result<NewRule, Refusal> {
        if self.weekdays.is_empty() || self.weekdays.len() > 7 {
            return Err(Refusal::invalid_field(
                "weekdays",
                crate::problems::Text::new("da 1 a 7 giorni", "from 1 to 7 days"),
            ));
        }
        Ok(NewRule {
            client_id,
            worker: tax_code("worker_tax_code", &self.worker_tax_code)?,
            weekdays: self.weekdays.into_iter().map(Into::into).collect(),
            start: start_time(&self.start_time)?,
            minutes: duration(self.duration_minutes)?,
            activity: self.activity.into(),
            pay: self.pay,
            place: self.place.map(|p| place(&p)).transpose()?,
            first_date: self.first_date,
            last_date: self.last_date,
        })
    }
}

/// What became of one occurrence.
#[derive(Debug, Serialize, ToSchema)]
pub struct OccurrenceBody {
    /// The day.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// `generated` (a service was recorded) or `refused` (it would break a rule).
    #[schema(max_length = 10)]
    pub outcome: String,
    /// The generated service.
    pub service_id: Option<uuid::Uuid>,
    /// The refusal's problem type (as in a 422 of `POST /v1/services`).
    #[schema(max_length = 200)]
    pub problem_type: Option<String>,
    /// The rule or limit the refusal names (`worker_limit`, `presto_notice`, ...).
    #[schema(max_length = 60)]
    pub rule: Option<String>,
    /// Why it was refused.
    #[schema(max_length = 2000)]
    pub detail: Option<String>,
    /// A limit refusal's residual amounts (`worker`, `client`, `pair`, `presto_pair_minutes`).
    #[schema(value_type = Option<Object>)]
    pub residual: Option<serde_json::Value>,
    /// When it was generated or refused.
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
}

/// A weekly recurring rule, with what it generated and refused so far.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecurringBody {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The client.
    pub client_id: uuid::Uuid,
    /// The worker.
    #[schema(max_length = 16)]
    pub worker_tax_code: String,
    /// The client's instrument.
    pub channel: OccasionalChannel,
    /// The weekdays, from Monday.
    pub weekdays: Vec<Weekday>,
    /// Start, `HH:MM`.
    #[schema(max_length = 5)]
    pub start_time: String,
    /// Duration in minutes.
    pub duration_minutes: i32,
    /// What.
    pub activity: ServiceActivity,
    /// Where.
    #[schema(max_length = 200)]
    pub place: Option<String>,
    /// PrestO: the net pay of each occurrence.
    #[schema(value_type = Option<MoneySchema>)]
    pub pay: Option<Money>,
    /// The first day.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub first_date: Date,
    /// The last day.
    #[serde(with = "crate::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub last_date: Date,
    /// `active` or `stopped`.
    #[schema(max_length = 10)]
    pub status: String,
    /// When recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When stopped.
    #[serde(with = "time::serde::rfc3339::option")]
    pub stopped_at: Option<OffsetDateTime>,
    /// How many occurrences were generated as services.
    pub generated: u32,
    /// How many occurrences were refused.
    pub refused: u32,
    /// Every occurrence so far, in date order.
    pub occurrences: Vec<OccurrenceBody>,
}

/// The rules of a client, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecurringList {
    /// The rules.
    pub items: Vec<RecurringBody>,
}

fn occurrence(o: Occurrence) -> OccurrenceBody {
    OccurrenceBody {
        date: o.date,
        outcome: if o.service_id.is_some() {
            "generated"
        } else {
            "refused"
        }
        .to_owned(),
        service_id: o.service_id,
        problem_type: o
            .problem
            .map(|slug| format!("{}{slug}", crate::error::PROBLEM_TYPE_BASE)),
        rule: o.rule,
        detail: o.detail,
        residual: o.residual,
        generated_at: o.generated_at,
    }
}

impl TryFrom<RuleView> for RecurringBody {
    type Error = Refusal;

    fn try_from(v: RuleView) -> Result<Self, Refusal> {
        let r = v.rule;
        let channel = match r.channel.as_str() {
            "presto" => OccasionalChannel::Presto,
            _ => OccasionalChannel::LibrettoFamiglia,
        };
        let activity: inps_domain::occasional::service::Activity =
            r.activity.parse().map_err(Refusal::internal)?;
        let pay = r
            .pay_cents
            .map(Money::from_cents)
            .transpose()
            .map_err(Refusal::internal)?;
        let generated = v
            .occurrences
            .iter()
            .filter(|o| o.service_id.is_some())
            .count();
        let count = |n: usize| u32::try_from(n).map_err(Refusal::internal);
        Ok(Self {
            weekdays: weekdays(&r)?.into_iter().map(wire_weekday).collect(),
            id: r.id,
            client_id: r.client_id,
            worker_tax_code: r.worker_tax_code,
            channel,
            start_time: format!("{:02}:{:02}", r.start_time.hour(), r.start_time.minute()),
            duration_minutes: r.minutes,
            activity: activity.into(),
            place: r.place,
            pay,
            first_date: r.first_date,
            last_date: r.last_date,
            status: r.status,
            created_at: r.created_at,
            stopped_at: r.stopped_at,
            generated: count(generated)?,
            refused: count(v.occurrences.len() - generated)?,
            occurrences: v.occurrences.into_iter().map(occurrence).collect(),
        })
    }
}
