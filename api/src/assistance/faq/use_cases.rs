//! The use cases of the FAQ.

use diesel::PgConnection;
use inps_domain::delegation::Service;
use inps_domain::text::clean_text;
use inps_persistence::assistance::{self as repo, FaqHit, FaqRow, FaqSearch};
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::error::Text;
use crate::refusal::Refusal;

/// An entry as an operator writes it: the command of [`create_faq_entry`] and
/// [`replace_faq_entry`].
#[derive(Debug, Clone)]
pub struct WriteFaq {
    /// Which service (none: both).
    pub service: Option<Service>,
    /// Topic (`appointments`, `contributions`...).
    pub topic: String,
    /// Question, Italian.
    pub question_it: String,
    /// Answer, Italian.
    pub answer_it: String,
    /// Question, English.
    pub question_en: String,
    /// Answer, English.
    pub answer_en: String,
}

/// The longest question.
const MAX_QUESTION_CHARS: usize = 300;
/// The longest answer.
const MAX_ANSWER_CHARS: usize = 4000;

fn cleaned(field: &'static str, text: &str, max: usize) -> Result<String, Refusal> {
    clean_text(text, max).map_err(|e| {
        Refusal::invalid_field(
            field,
            Text::new(
                format!("testo obbligatorio, al massimo {max} caratteri ({e})"),
                format!("required text, at most {max} characters ({e})"),
            ),
        )
    })
}

impl WriteFaq {
    /// The stored row of this entry as `id`, version `version`, by `actor` at `now`.
    fn row(
        self,
        id: uuid::Uuid,
        version: i32,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<FaqRow, Refusal> {
        Ok(FaqRow {
            id,
            service: self.service.map(|s| s.as_str().to_owned()),
            topic: self.topic,
            question_it: cleaned("question_it", &self.question_it, MAX_QUESTION_CHARS)?,
            answer_it: cleaned("answer_it", &self.answer_it, MAX_ANSWER_CHARS)?,
            question_en: cleaned("question_en", &self.question_en, MAX_QUESTION_CHARS)?,
            answer_en: cleaned("answer_en", &self.answer_en, MAX_ANSWER_CHARS)?,
            version,
            updated_at: now,
            updated_by: actor.tax_code.clone(),
        })
    }
}

/// FAQ entries matching `search`, best first (open to anyone).
pub fn search_faq(conn: &mut PgConnection, search: &FaqSearch<'_>) -> Result<Vec<FaqHit>, Refusal> {
    Ok(repo::search_faq(conn, search)?)
}

/// Adds an entry (operators).
pub fn create_faq_entry(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: WriteFaq,
    now: OffsetDateTime,
) -> Result<FaqRow, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let row = cmd.row(uuid::Uuid::new_v4(), 1, actor, now)?;
    repo::insert_faq(conn, &row)?;
    let resource = format!("/v1/help/faq/{}", row.id);
    inps_persistence::audit::append(conn, actor.audit("faq.create", &resource, None), now)?;
    Ok(row)
}

/// Replaces entry `id` (operators), when `precondition` (the caller's check of the current
/// version, e.g. an `If-Match`) holds; the version grows by one.
pub fn replace_faq_entry(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    cmd: WriteFaq,
    precondition: impl FnOnce(i32) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<FaqRow, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let current = repo::faq_for_update(conn, id)?.ok_or_else(Refusal::not_found)?;
    precondition(current.version)?;
    let row = cmd.row(id, current.version + 1, actor, now)?;
    repo::update_faq(conn, &row)?;
    let resource = format!("/v1/help/faq/{id}");
    inps_persistence::audit::append(conn, actor.audit("faq.replace", &resource, None), now)?;
    Ok(row)
}
