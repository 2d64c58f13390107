//! The use cases of inquiries. Domain values in, domain results (the recorded inquiry, its
//! eligibility at the time of the call, its attachments) or a typed [`Refusal`] out.

use diesel::PgConnection;
use inps_domain::delegation::Scope;
use inps_domain::employment::EmploymentCode;
use inps_domain::identity::Role;
use inps_domain::inquiry::{
    self as rules, Answer, Eligibility, Inquiry, InquiryOutcome, MAX_TEXT_CHARS,
};
use inps_domain::notification::EventType;
use inps_domain::rome_time::rome_date;
use inps_domain::text::clean_text;
use inps_persistence::inquiries::{self as repo, AttachmentMeta, InquiryRow, TopicRow};
use time::OffsetDateTime;

use crate::access::Audited;
use crate::auth::Actor;
use crate::cassetto::employments::use_cases::visible_employment;
use crate::error::Text;
use crate::notifications::outbox::{Event, notify};
use crate::problems::Problem;
use crate::refusal::Refusal;
use crate::upload::{UploadedFile, store_file};

/// Owner kind of an inquiry's attachments.
const OWNER: &str = "inquiry";

/// An inquiry as shown: the record, whether it may go to an appointment now, its files.
#[derive(Debug)]
pub struct InquiryView {
    /// The recorded inquiry.
    pub inquiry: Inquiry<uuid::Uuid>,
    /// Eligibility for an appointment at the time of the call.
    pub eligibility: Eligibility,
    /// Its attachments, oldest first.
    pub attachments: Vec<AttachmentMeta>,
}

/// A new inquiry: the command of [`send_inquiry`].
#[derive(Debug)]
pub struct SendInquiry {
    /// Topic code.
    pub topic: String,
    /// The question (trimmed, 1 to 4000 characters).
    pub text: String,
    /// Up to 3 files, already recognised.
    pub files: Vec<UploadedFile>,
}

fn text_refusal(field: &str) -> impl FnOnce(inps_domain::text::TextError) -> Refusal {
    move |e| {
        Refusal::invalid_field(
            field,
            Text::new(
                format!("testo obbligatorio, al massimo 4000 caratteri ({e})"),
                format!("required text, at most 4000 characters ({e})"),
            ),
        )
    }
}

fn inquiry_of(row: InquiryRow) -> Result<Inquiry<uuid::Uuid>, Refusal> {
    Inquiry::try_from(row).map_err(Refusal::internal)
}

/// The views of `inquiries` at `now`, their attachments loaded in one query.
fn views(
    conn: &mut PgConnection,
    mut inquiries: Vec<Inquiry<uuid::Uuid>>,
    now: OffsetDateTime,
) -> Result<Vec<InquiryView>, Refusal> {
    inps_persistence::agenda::mark_on_confirmed(conn, &mut inquiries)?;
    let ids: Vec<uuid::Uuid> = inquiries.iter().map(|i| i.id).collect();
    let mut files = repo::attachments_of_owners(conn, OWNER, &ids)?;
    Ok(inquiries
        .into_iter()
        .map(|inquiry| InquiryView {
            eligibility: inquiry.eligibility(now),
            attachments: files.remove(&inquiry.id).unwrap_or_default(),
            inquiry,
        })
        .collect())
}

fn view(
    conn: &mut PgConnection,
    inquiry: Inquiry<uuid::Uuid>,
    now: OffsetDateTime,
) -> Result<InquiryView, Refusal> {
    views(conn, vec![inquiry], now)?
        .pop()
        .ok_or_else(|| Refusal::internal("an inquiry without its view"))
}

/// Every topic.
pub fn topics(conn: &mut PgConnection) -> Result<Vec<TopicRow>, Refusal> {
    Ok(repo::topics(conn)?)
}

/// Sets topic `code`'s answer deadline (operators), when `precondition` (the caller's check of
/// the current version, e.g. an `If-Match`) holds.
pub fn change_topic_deadline(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &str,
    days: i32,
    precondition: impl FnOnce(i32) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<TopicRow, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let current = repo::topic(conn, code)?.ok_or_else(Refusal::not_found)?;
    precondition(current.version)?;
    let updated =
        repo::set_topic_deadline(conn, code, days, now)?.ok_or_else(Refusal::not_found)?;
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "inquiry_topic.change",
            &format!("/v1/inquiry-topics/{code}"),
            None,
        ),
        now,
    )?;
    Ok(updated)
}

/// Sends an inquiry about employment `code` (the endpoint, the demo seeder): by the employer or
/// a delegate with the `inquiries` scope, never by an operator. Allocates the protocol number,
/// stores the attachments, audits the write (with the delegation used).
pub fn send_inquiry(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &EmploymentCode,
    cmd: SendInquiry,
    now: OffsetDateTime,
) -> Result<InquiryView, Refusal> {
    if actor.roles().contains(&Role::Operator) {
        return Err(Refusal::new(Problem::Forbidden).with_detail(
            "Gli operatori rispondono ai quesiti, non li inviano.",
            "Operators answer inquiries; they do not send them.",
        ));
    }
    let resource = format!("/v1/employments/{code}/inquiries");
    let audited = Audited {
        action: "inquiry.create",
        resource: &resource,
    };
    let (employment, access) =
        visible_employment(conn, actor, code, Scope::Inquiries, audited, now)?;
    // A topic code is a short lower-case ASCII slug: anything else (a NUL byte, which
    // PostgreSQL cannot even compare) is unknown without asking the database.
    let plausible = (1..=32).contains(&cmd.topic.len())
        && cmd
            .topic
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let found = if plausible {
        repo::topic(conn, &cmd.topic)?
    } else {
        None
    };
    let Some(topic) = found else {
        return Err(Refusal::invalid_field(
            "topic",
            Text::new("argomento sconosciuto", "unknown topic"),
        ));
    };
    let days = u32::try_from(topic.answer_deadline_days).map_err(Refusal::internal)?;
    let text = clean_text(&cmd.text, MAX_TEXT_CHARS).map_err(text_refusal("text"))?;
    let sequence = u64::try_from(repo::next_protocol_sequence(conn)?).map_err(Refusal::internal)?;
    let delegation = access
        .delegation_id()
        .map(uuid::Uuid::parse_str)
        .transpose()
        .map_err(Refusal::internal)?;
    let inquiry = Inquiry {
        id: uuid::Uuid::new_v4(),
        protocol_number: rules::protocol_number(rome_date(now).year(), sequence),
        employment_code: employment.code,
        employer: employment.employer,
        topic: topic.code,
        text,
        sent_at: now,
        sent_by: actor.tax_code.clone().unwrap_or_else(|| "cli".to_owned()),
        delegation,
        answer: None,
        answer_deadline: rules::answer_deadline(now, days),
        on_active_appointment: false,
    };
    repo::insert(conn, &InquiryRow::of(&inquiry))?;
    for file in &cmd.files {
        store_file(conn, OWNER, inquiry.id, file, now)?;
    }
    let mut event = actor.audit(
        "inquiry.create",
        &format!("/v1/inquiries/{}", inquiry.id),
        Some(inquiry.employer.as_str()),
    );
    event.delegation_id = delegation;
    inps_persistence::audit::append(conn, event, now)?;
    view(conn, inquiry, now)
}

/// Up to `limit` of employment `code`'s inquiries after `cursor` (sent_at, id), newest first;
/// with `eligible`, only those that are (or are not) eligible for an appointment now, selected
/// in the query before paging.
pub fn inquiries_of(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &EmploymentCode,
    eligible: Option<bool>,
    cursor: Option<(OffsetDateTime, uuid::Uuid)>,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<InquiryView>, Refusal> {
    let resource = format!("/v1/employments/{code}/inquiries");
    let audited = Audited {
        action: "inquiries.read",
        resource: &resource,
    };
    visible_employment(conn, actor, code, Scope::Read, audited, now)?;
    let selection = eligible.map(|e| rules::eligibility_selection(e, now));
    let inquiries = repo::of_employment(conn, code.as_str(), selection, cursor, limit)?
        .into_iter()
        .map(inquiry_of)
        .collect::<Result<Vec<_>, _>>()?;
    views(conn, inquiries, now)
}

/// The inquiry `id` if `actor` may act on its employment within `scope` (404 otherwise).
fn visible_inquiry(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    scope: Scope,
    action: &str,
    now: OffsetDateTime,
) -> Result<Inquiry<uuid::Uuid>, Refusal> {
    let inquiry = inquiry_of(repo::find(conn, id)?.ok_or_else(Refusal::not_found)?)?;
    let resource = format!("/v1/inquiries/{id}");
    let audited = Audited {
        action,
        resource: &resource,
    };
    visible_employment(conn, actor, &inquiry.employment_code, scope, audited, now)?;
    Ok(inquiry)
}

/// The inquiry `id`, for an actor who may read it.
pub fn show_inquiry(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<InquiryView, Refusal> {
    let inquiry = visible_inquiry(conn, actor, id, Scope::Read, "inquiry.read", now)?;
    view(conn, inquiry, now)
}

/// Attachment `attachment_id` of inquiry `id` with its bytes, for an actor who may read it.
pub fn attachment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    attachment_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(AttachmentMeta, Vec<u8>), Refusal> {
    visible_inquiry(conn, actor, id, Scope::Read, "inquiry_attachment.read", now)?;
    repo::attachment_content(conn, OWNER, id, attachment_id)?.ok_or_else(Refusal::not_found)
}

/// Records the office's answer to inquiry `id` (operators: the endpoint, the demo seeder). An
/// inquiry is answered once (409 afterwards); the text is trimmed and not blank.
pub fn answer_inquiry(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    outcome: InquiryOutcome,
    text: &str,
    now: OffsetDateTime,
) -> Result<InquiryView, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let current = inquiry_of(repo::find_for_update(conn, id)?.ok_or_else(Refusal::not_found)?)?;
    if current.answer.is_some() {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "Il quesito ha già una risposta.",
            "The inquiry was already answered.",
        ));
    }
    let answer = Answer {
        outcome,
        text: clean_text(text, MAX_TEXT_CHARS).map_err(text_refusal("text"))?,
        at: now,
        by: actor.tax_code.clone().unwrap_or_else(|| "cli".to_owned()),
    };
    let row = repo::answer(conn, id, outcome.as_str(), &answer.text, &answer.by, now)?;
    let answered = inquiry_of(row)?;
    let link = format!("/v1/inquiries/{id}");
    inps_persistence::audit::append(
        conn,
        actor.audit("inquiry.answer", &link, Some(answered.employer.as_str())),
        now,
    )?;
    // The employer; the outbox adds the domestic-work delegate whose scope covers inquiries.
    notify(
        conn,
        Event {
            event_type: EventType::InquiryAnswered,
            subject: answered.employer.clone(),
            recipients: vec![answered.employer.clone()],
            payload: serde_json::json!({
                "inquiry_id": id,
                "protocol_number": answered.protocol_number,
                "employment_code": answered.employment_code.to_string(),
                "outcome": outcome.as_str(),
            }),
            link,
        },
        now,
    )?;
    view(conn, answered, now)
}
