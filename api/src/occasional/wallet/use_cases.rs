//! The use cases of the wallet: a funding's payment notice, its settlement, the balance.

use diesel::PgConnection;
use inps_domain::delegation::Scope;
use inps_domain::money::Money;
use inps_domain::occasional::wallet::{Wallet, check_funding};
use inps_domain::rome_time::rome_date;
use inps_persistence::occasional::{self as repo, FundingRow};
use time::OffsetDateTime;

use super::super::clients::use_cases::visible_client;
use super::super::{audit_write, rule_book, rules_on};
use crate::auth::Actor;
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;

/// Creates the payment notice of a funding of `amount` for client `client_id` (`POST
/// /v1/clients/{id}/fundings`): more than zero and, for the Libretto Famiglia, a multiple of
/// the title (10 EUR) under today's rules (422 on `amount` otherwise). The client, its
/// representative, a delegate with the `payments` scope, or an operator. Audited.
pub fn request_funding(
    conn: &mut PgConnection,
    actor: &Actor,
    client_id: uuid::Uuid,
    amount: Money,
    now: OffsetDateTime,
) -> Result<FundingRow, Refusal> {
    let action = "funding.create";
    let (client, access) = visible_client(
        conn,
        actor,
        client_id,
        Scope::Payments,
        (action, false),
        now,
    )?;
    let book = rule_book(conn)?;
    let rules = rules_on(&book, rome_date(now))?;
    check_funding(amount, client.client.channel(), rules).map_err(|e| {
        Refusal::invalid_field(
            "amount",
            Text::new(
                format!("importo non ammesso: {e}"),
                format!("amount not accepted: {e}"),
            ),
        )
    })?;
    let row = FundingRow {
        id: uuid::Uuid::new_v4(),
        client_id,
        amount_cents: amount.cents(),
        notice_number: repo::next_notice_number(conn)?,
        status: "pending".to_owned(),
        created_at: now,
        settled_at: None,
        settled_by: None,
    };
    repo::insert_funding(conn, &row)?;
    let resource = format!("/v1/fundings/{}", row.id);
    audit_write(
        conn,
        actor,
        &access,
        (action, &resource),
        client.subject(),
        now,
    )?;
    Ok(row)
}

/// Settles funding `id` (`POST /v1/fundings/{id}/settlement`, operators): credits the client's
/// wallet with the amount, once (409 when already settled). The client row is locked, so the
/// credit cannot race a service committing funds.
pub fn settle_funding(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<FundingRow, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let funding = repo::find_funding(conn, id, true)?.ok_or_else(Refusal::not_found)?;
    if funding.status == "settled" {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "Il versamento è già stato riconciliato.",
            "The funding is already settled.",
        ));
    }
    let client =
        repo::find_client(conn, funding.client_id, true)?.ok_or_else(Refusal::not_found)?;
    let amount = Money::from_cents(funding.amount_cents).map_err(Refusal::internal)?;
    let wallet = client.wallet.credit(amount).map_err(Refusal::internal)?;
    repo::store_wallet(conn, client.id, &wallet)?;
    let settled = repo::settle_funding(conn, id, actor.tax_code.as_deref(), now)?;
    let resource = format!("/v1/fundings/{id}/settlement");
    let event = actor.audit("funding.settle", &resource, Some(client.subject().as_str()));
    inps_persistence::audit::append(conn, event, now)?;
    Ok(settled)
}

/// The wallet of client `client_id` (`GET /v1/clients/{id}/wallet`).
pub fn show_wallet(
    conn: &mut PgConnection,
    actor: &Actor,
    client_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Wallet, Refusal> {
    let action = ("wallet.read", false);
    visible_client(conn, actor, client_id, Scope::Read, action, now).map(|(c, _)| c.wallet)
}
