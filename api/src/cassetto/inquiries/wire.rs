//! The wire shapes of inquiries: topics, an inquiry with its attachments and eligibility, the
//! multipart form that sends one, the list and its filter, the answer.

use inps_domain::inquiry::{self as rules, Eligibility};
use inps_persistence::inquiries::{AttachmentMeta, TopicRow};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::use_cases::InquiryView;
use crate::wire::{InquiryOutcome, InquiryState};

/// An inquiry topic.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "contributions", "title_it": "Contributi versati ma non presenti nell'estratto conto", "title_en": "Contributions paid but missing from the statement", "answer_deadline_days": 30}))]
pub struct Topic {
    /// Code.
    #[schema(max_length = 32, example = "contributions")]
    pub code: String,
    /// Title, in Italian.
    #[schema(max_length = 200)]
    pub title_it: String,
    /// Title, in English.
    #[schema(max_length = 200)]
    pub title_en: String,
    /// Days INPS has to answer; after them an unanswered inquiry may go to an appointment.
    #[schema(format = Int32, minimum = 1, maximum = 365)]
    pub answer_deadline_days: i32,
}

/// The topics.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {"code": "mav", "title_it": "MAV: non ricevuto, errato o non stampabile", "title_en": "Payment notice (MAV) not received, wrong or not printable", "answer_deadline_days": 30},
        {"code": "registry_data", "title_it": "Anagrafiche: dati non aggiornati o variazioni", "title_en": "Personal data out of date or changes", "answer_deadline_days": 30},
        {"code": "contributions", "title_it": "Contributi versati ma non presenti nell'estratto conto", "title_en": "Contributions paid but missing from the statement", "answer_deadline_days": 30},
        {"code": "employment_status", "title_it": "Rapporti di lavoro: sospesi o in attesa di definizione", "title_en": "Employment suspended or awaiting definition", "answer_deadline_days": 30},
        {"code": "notices", "title_it": "Avviso bonario / accertamento: informazioni o variazioni", "title_en": "Demand notice or assessment: information or changes", "answer_deadline_days": 30}
    ],
    "next_cursor": null
}))]
pub struct TopicList {
    /// Every topic.
    pub items: Vec<Topic>,
    /// Always null: the topics are few and fit one page.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

impl From<TopicRow> for Topic {
    fn from(t: TopicRow) -> Self {
        Self {
            code: t.code,
            title_it: t.title_it,
            title_en: t.title_en,
            answer_deadline_days: t.answer_deadline_days,
        }
    }
}

/// A topic's new answer deadline.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answer_deadline_days": 45}))]
pub struct TopicDeadline {
    /// Days INPS has to answer.
    #[validate(range(min = 1, max = 365))]
    #[schema(format = Int32, minimum = 1, maximum = 365)]
    pub answer_deadline_days: i32,
}

/// An attachment's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attachment {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The file name the client sent: its last path component, surrounding spaces trimmed, with
    /// the form-data escapes `%22`, `%0D` and `%0A` (RFC 7578, as browsers write `"`, CR and LF)
    /// decoded; a name with a control character is refused (422). A download names the file
    /// exactly in `filename*` and in ASCII in `filename`, anything else and `"` and `\` as `_`.
    #[schema(max_length = 255)]
    pub file_name: String,
    /// Media type, recognised from the content.
    #[schema(max_length = 32, example = "application/pdf")]
    pub media_type: String,
    /// Size in bytes.
    #[schema(format = Int32, minimum = 1)]
    pub size_bytes: i32,
    /// SHA-256 of the content (hex).
    #[schema(max_length = 64)]
    pub sha256: String,
}

impl From<AttachmentMeta> for Attachment {
    fn from(a: AttachmentMeta) -> Self {
        Self {
            id: a.id,
            file_name: a.file_name,
            media_type: a.media_type,
            size_bytes: a.size_bytes,
            sha256: hex::encode(a.sha256),
        }
    }
}

/// An inquiry.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "9b2e4f71-5c3a-4d8e-a1f6-7e0c2b9d4a35", "protocol_number": "INPS.DL.2026.0000001",
    "employment_code": "1000000016", "topic": "contributions",
    "text": "Ho pagato il 4° trimestre 2025 (396,50 euro) in due versamenti, ma nell'estratto conto risulta solo il primo da 200,00 euro. Allego la ricevuta del secondo.",
    "sent_at": "2026-03-02T09:00:00Z", "sent_by": "RSSMRA85T10A562S", "answer_deadline": "2026-04-01",
    "state": "answered_negative", "outcome": "negative",
    "answer_text": "Il versamento non risulta: presentare la ricevuta allo sportello.",
    "answered_at": "2026-03-16T11:20:00Z", "eligible_for_appointment": true, "eligibility_reason": "negative_answer",
    "attachments": [{
        "id": "c41d8e2a-7f3b-4a96-b5e0-2d9c6f1a8b73", "file_name": "ricevuta-pagopa-2025-Q4.pdf",
        "media_type": "application/pdf", "size_bytes": 184320,
        "sha256": "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"
    }]
}))]
pub struct Inquiry {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Protocol number (unique).
    #[schema(max_length = 32, example = "INPS.DL.2026.0000001")]
    pub protocol_number: String,
    /// Codice rapporto.
    #[schema(max_length = 10)]
    pub employment_code: String,
    /// Topic code.
    #[schema(max_length = 32)]
    pub topic: String,
    /// The question.
    #[schema(max_length = 4000)]
    pub text: String,
    /// When it was sent.
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    /// Who sent it (the employer or a delegate).
    #[schema(max_length = 16)]
    pub sent_by: String,
    /// The day by which INPS should answer.
    #[serde(with = "crate::wire::iso_date")]
    pub answer_deadline: Date,
    /// Where it stands.
    pub state: InquiryState,
    /// The answer's outcome.
    pub outcome: Option<InquiryOutcome>,
    /// The answer.
    #[schema(max_length = 4000)]
    pub answer_text: Option<String>,
    /// When it was answered.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    /// Whether it may be brought to an appointment now (negative answer, or none in time).
    pub eligible_for_appointment: bool,
    /// Why (or why not): `negative_answer`, `no_answer_in_time`, `positive_answer`,
    /// `awaiting_answer`, `already_on_appointment`.
    #[schema(max_length = 32)]
    pub eligibility_reason: String,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

/// The wire name of why an inquiry is (or is not) eligible.
fn reason(e: &Eligibility) -> &'static str {
    use rules::{EligibleBecause as E, NotEligibleBecause as N};
    match e {
        Eligibility::Eligible(E::NegativeAnswer) => "negative_answer",
        Eligibility::Eligible(E::NoAnswerInTime) => "no_answer_in_time",
        Eligibility::NotEligible(N::PositiveAnswer) => "positive_answer",
        Eligibility::NotEligible(N::AwaitingAnswer { .. }) => "awaiting_answer",
        Eligibility::NotEligible(N::AlreadyOnAppointment) => "already_on_appointment",
    }
}

impl From<InquiryView> for Inquiry {
    fn from(v: InquiryView) -> Self {
        let i = v.inquiry;
        Self {
            state: i.state().into(),
            eligible_for_appointment: v.eligibility.is_eligible(),
            eligibility_reason: reason(&v.eligibility).to_owned(),
            attachments: v.attachments.into_iter().map(Attachment::from).collect(),
            id: i.id,
            protocol_number: i.protocol_number,
            employment_code: i.employment_code.as_str().to_owned(),
            topic: i.topic,
            text: i.text,
            sent_at: i.sent_at,
            sent_by: i.sent_by,
            answer_deadline: i.answer_deadline,
            outcome: i.answer.as_ref().map(|a| a.outcome.into()),
            answer_text: i.answer.as_ref().map(|a| a.text.clone()),
            answered_at: i.answer.map(|a| a.at),
        }
    }
}

/// The multipart form of a new inquiry (no other fields are accepted).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "documents the multipart form; the body is read by upload::read_form"
)]
#[schema(example = json!({
    "topic": "contributions",
    "text": "Ho pagato il 4° trimestre 2025 (396,50 euro) in due versamenti, ma nell'estratto conto risulta solo il primo da 200,00 euro. Allego la ricevuta del secondo."
}))]
pub struct NewInquiryForm {
    /// Topic code (see `GET /v1/inquiry-topics`).
    #[schema(max_length = 32, example = "contributions")]
    topic: String,
    /// The question (1 to 4000 characters once trimmed; not blank).
    #[schema(min_length = 1, max_length = 4000)]
    text: String,
    /// Up to 3 files, PDF, JPEG, PNG or TIFF (recognised from their content), 3 MiB in total.
    #[serde(default)]
    #[schema(value_type = Vec<String>, format = Binary, max_items = 3)]
    attachments: Vec<Vec<u8>>,
}

/// Filters of the inquiry list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InquiryQuery {
    /// Only inquiries that may (true) or may not (false) be brought to an appointment now.
    pub eligible_for_appointment: Option<bool>,
}

/// A list of inquiries.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
    "id": "9b2e4f71-5c3a-4d8e-a1f6-7e0c2b9d4a35", "protocol_number": "INPS.DL.2026.0000001",
    "employment_code": "1000000016", "topic": "contributions",
    "text": "Ho pagato il 4° trimestre 2025 (396,50 euro) in due versamenti, ma nell'estratto conto risulta solo il primo da 200,00 euro. Allego la ricevuta del secondo.",
    "sent_at": "2026-03-02T09:00:00Z", "sent_by": "RSSMRA85T10A562S", "answer_deadline": "2026-04-01",
    "state": "answered_negative", "outcome": "negative",
    "answer_text": "Il versamento non risulta: presentare la ricevuta allo sportello.",
    "answered_at": "2026-03-16T11:20:00Z", "eligible_for_appointment": true, "eligibility_reason": "negative_answer",
    "attachments": [{
        "id": "c41d8e2a-7f3b-4a96-b5e0-2d9c6f1a8b73", "file_name": "ricevuta-pagopa-2025-Q4.pdf",
        "media_type": "application/pdf", "size_bytes": 184320,
        "sha256": "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"
    }]
}],
    "next_cursor": null
}))]
pub struct InquiryList {
    /// Inquiries, newest first.
    pub items: Vec<Inquiry>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// A file's bytes, as stored.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileContent(pub Vec<u8>);

/// The office's answer.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "negative", "text": "Il versamento non risulta: presentare la ricevuta allo sportello."}))]
pub struct AnswerInput {
    /// Outcome.
    pub outcome: InquiryOutcome,
    /// The answer (1 to 4000 characters once trimmed; not blank).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub text: String,
}
