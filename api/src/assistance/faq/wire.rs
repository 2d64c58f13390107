//! The wire shapes of the FAQ.

use inps_persistence::assistance::{FaqHit, FaqRow};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::use_cases::WriteFaq;
use crate::wire::Service;

/// A FAQ entry (with its rank and snippets when found by a search).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "7a2d3b50-0001-4000-8000-000000000001", "service": "domestic_work", "topic": "appointments",
    "question_it": "Quando posso prenotare un appuntamento presso la sede INPS?",
    "answer_it": "Gli appuntamenti si prenotano per un quesito che ha ricevuto risposta negativa...",
    "question_en": "When can I book an appointment at an INPS office?",
    "answer_en": "Appointments are booked for an inquiry answered negatively...",
    "version": 1, "updated_at": "2026-11-30T10:00:00Z", "rank": 0.67,
    "snippet_it": "Gli **appuntamenti** si prenotano per un quesito che ha ricevuto risposta negativa",
    "snippet_en": "**Appointments** are booked for an inquiry answered negatively"
}))]
pub struct FaqEntry {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Which service (null: both).
    pub service: Option<Service>,
    /// Topic.
    #[schema(max_length = 32)]
    pub topic: String,
    /// Question, Italian.
    #[schema(max_length = 300)]
    pub question_it: String,
    /// Answer, Italian.
    #[schema(max_length = 4000)]
    pub answer_it: String,
    /// Question, English.
    #[schema(max_length = 300)]
    pub question_en: String,
    /// Answer, English.
    #[schema(max_length = 4000)]
    pub answer_en: String,
    /// Version (the `ETag` of `PUT`).
    #[schema(format = Int32, minimum = 1)]
    pub version: i32,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// `ts_rank` for the search (null without `q`).
    #[schema(format = Float)]
    pub rank: Option<f32>,
    /// The Italian answer's best fragments, each match between `**` (null without `q`).
    #[schema(max_length = 4000)]
    pub snippet_it: Option<String>,
    /// The English answer's best fragments, each match between `**` (null without `q`).
    #[schema(max_length = 4000)]
    pub snippet_en: Option<String>,
}

impl FaqEntry {
    /// An entry shown outside a search.
    pub fn of(row: FaqRow) -> Result<Self, crate::refusal::Refusal> {
        let service = row
            .service
            .as_deref()
            .map(str::parse::<inps_domain::delegation::Service>)
            .transpose()
            .map_err(crate::refusal::Refusal::internal)?;
        Ok(Self {
            id: row.id,
            service: service.map(Service::from),
            topic: row.topic,
            question_it: row.question_it,
            answer_it: row.answer_it,
            question_en: row.question_en,
            answer_en: row.answer_en,
            version: row.version,
            updated_at: row.updated_at,
            rank: None,
            snippet_it: None,
            snippet_en: None,
        })
    }

    /// An entry found by a search (`searched`: a `q` was given).
    pub fn found(hit: FaqHit, searched: bool) -> Result<Self, crate::refusal::Refusal> {
        Ok(Self {
            rank: searched.then_some(hit.rank),
            snippet_it: hit.snippet_it,
            snippet_en: hit.snippet_en,
            ..Self::of(hit.entry)?
        })
    }
}

/// FAQ entries, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FaqList {
    /// Entries: by rank with `q`, otherwise by id.
    pub items: Vec<FaqEntry>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// The search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FaqQuery {
    /// Words to look for, in Italian or English (web-search syntax: `"..."` for a phrase, `-`
    /// to exclude); inflected forms match (`appuntamento` finds `appuntamenti`).
    #[param(min_length = 1, max_length = 200, pattern = "^[^\\x00]*$")]
    pub q: Option<String>,
    /// Only this service's entries and those covering both.
    pub service: Option<Service>,
    /// Only this topic.
    #[param(max_length = 32, pattern = "^[a-z][a-z0-9_]{0,31}$")]
    pub topic: Option<String>,
}

/// An entry as an operator writes it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "service": "domestic_work", "topic": "appointments",
    "question_it": "Posso cancellare un appuntamento confermato?",
    "answer_it": "Sì, fino all'inizio dell'appuntamento.",
    "question_en": "Can I cancel a confirmed appointment?",
    "answer_en": "Yes, until it starts."
}))]
pub struct FaqInput {
    /// Which service (omitted or null: both).
    #[serde(default)]
    pub service: Option<Service>,
    /// Topic: lower-case letters, digits and `_`.
    #[validate(custom(function = "topic_rule"))]
    #[schema(max_length = 32, pattern = "^[a-z][a-z0-9_]{0,31}$")]
    pub topic: String,
    /// Question, Italian (1 to 300 characters once trimmed).
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub question_it: String,
    /// Answer, Italian (1 to 4000 characters once trimmed).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub answer_it: String,
    /// Question, English (1 to 300 characters once trimmed).
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub question_en: String,
    /// Answer, English (1 to 4000 characters once trimmed).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub answer_en: String,
}

fn topic_rule(topic: &str) -> Result<(), validator::ValidationError> {
    if inps_domain::assistance::is_faq_topic(topic) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("topic")
            .with_message("lower-case letters, digits and _, starting with a letter".into()))
    }
}

impl From<FaqInput> for WriteFaq {
    fn from(i: FaqInput) -> Self {
        Self {
            service: i.service.map(Into::into),
            topic: i.topic,
            question_it: i.question_it,
            answer_it: i.answer_it,
            question_en: i.question_en,
            answer_en: i.answer_en,
        }
    }
}
