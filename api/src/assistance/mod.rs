//! Assistance (Assistenza): manuals per profile, the FAQ with full-text search, a help page for
//! every problem type, and support tickets with the estimated time to be taken in charge.
//!
//! One folder per resource, each split as the other contexts: `handlers.rs` (extract, one use
//! case, map), `wire.rs` (the contract's bodies), `use_cases.rs` (one function per use case,
//! `Actor` in, domain results or a `Refusal` out). The rules are in `inps_domain::assistance`.
//!
//! Manuals, the FAQ and the help pages are open: anonymous callers see what is public, and a
//! bearer session (checked when sent: a stale one is 401) widens the manuals to the caller's
//! profiles.

pub mod faq;
pub mod manuals;
pub mod problem_pages;
pub mod tickets;

use diesel::PgConnection;

use crate::auth::{Actor, Bearer};
use crate::error::ApiError;
use crate::state::AppState;

/// Who reads an open resource: the holder of `bearer` when one was sent (401 when it is not a
/// live session), nobody otherwise.
pub fn viewer(
    conn: &mut PgConnection,
    state: &AppState,
    bearer: Option<Bearer>,
    now: time::OffsetDateTime,
) -> Result<Option<Actor>, ApiError> {
    bearer
        .map(|b| {
            b.authenticate(conn, state, now)
                .map(|caller| caller.actor())
        })
        .transpose()
}

/// The value of text field `name` of a multipart form, parsed (absent or empty: `None`; a
/// value that does not parse: 422 naming the field).
pub fn form_field<T: std::str::FromStr>(
    fields: &mut std::collections::BTreeMap<String, String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    fields
        .remove(name)
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<T>())
        .transpose()
        .map_err(|_| {
            ApiError::invalid_field(
                name,
                crate::error::Text::new("valore non ammesso", "value not accepted"),
            )
        })
}

/// The value of required text field `name` of a multipart form, parsed.
pub fn required_form_field<T: std::str::FromStr>(
    fields: &mut std::collections::BTreeMap<String, String>,
    name: &str,
) -> Result<T, ApiError> {
    form_field(fields, name)?.ok_or_else(|| {
        ApiError::invalid_field(name, crate::error::Text::new("obbligatorio", "required"))
    })
}

/// Mounts the assistance context's operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    use self::{faq::handlers as f, manuals::handlers as m};
    use self::{problem_pages::handlers as p, tickets::handlers as t};
    cfg.service(m::list_manuals)
        .service(m::publish_manual)
        .service(m::download_manual)
        .service(m::manual_html)
        .service(f::search_faq)
        .service(f::create_faq_entry)
        .service(f::replace_faq_entry)
        .service(p::show_problem_page)
        .service(t::open_support_ticket)
        .service(t::list_support_tickets)
        .service(t::show_support_ticket)
        .service(t::download_support_ticket_attachment)
        .service(t::post_support_ticket_message)
        .service(t::take_support_ticket)
        .service(t::close_support_ticket);
}
