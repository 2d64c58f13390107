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

use actix_web::web;

use crate::auth::{Actor, Bearer};
use crate::error::ApiError;
use crate::refusal::Refusal;
use crate::state::AppState;

/// Runs the read `f` of an open resource for its viewer: the holder of `bearer` when one was
/// sent (401 when it is not a live session, resolved on the read's connection), nobody
/// otherwise.
pub async fn read_as_viewer<T, F>(
    state: &web::Data<AppState>,
    bearer: Option<Bearer>,
    f: F,
) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection, Option<&Actor>) -> Result<T, Refusal> + Send + 'static,
    T: Send + 'static,
{
    let now = state.clock.now();
    let shared = state.clone();
    crate::db::read(state, move |conn| {
        let viewer = bearer
            .map(|b| {
                b.authenticate(conn, &shared, now)
                    .map(|caller| caller.actor())
            })
            .transpose()?;
        Ok(f(conn, viewer.as_ref())?)
    })
    .await
}

/// The value of text field `name` of a multipart form, parsed (absent: `None`; a value that
/// does not parse, an empty one included: 422 naming the field).
pub fn form_field<T: std::str::FromStr>(
    fields: &mut std::collections::BTreeMap<String, String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    fields
        .remove(name)
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
