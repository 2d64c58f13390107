//! The use cases of clients: record one, show one (and find one visible to the actor, which
//! the wallet and the services share).

use diesel::PgConnection;
use inps_domain::authorization::Access;
use inps_domain::delegation::Scope;
use inps_domain::identity::Role;
use inps_domain::occasional::client::{Client, presto_eligibility};
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional::{self as repo, ClientRow, StoredClient};
use inps_persistence::persons;
use time::OffsetDateTime;

use super::super::{audit_write, authorize, rule_book, rules_on};
use crate::auth::Actor;
use crate::problems::Problem;
use crate::refusal::Refusal;

/// Who acts for `client`: the person, or the business's legal representative.
pub fn acting_person(client: &Client) -> &TaxCode {
    match client {
        Client::Person { tax_code } => tax_code,
        Client::Business(business) => &business.legal_representative,
    }
}

/// Records a client (`POST /v1/clients`): a person for the Libretto Famiglia, or a business for
/// PrestO, which must be open to it under today's rules (422 `presto-not-allowed` naming the
/// rule). Recorded by the person (or the legal representative), a delegate of theirs with the
/// `registration` scope, or an operator; grants them the `client` role. A tax code is a client
/// once (409).
pub fn record_client(
    conn: &mut PgConnection,
    actor: &Actor,
    client: Client,
    now: OffsetDateTime,
) -> Result<StoredClient, Refusal> {
    let acting = acting_person(&client).clone();
    let resource = "/v1/clients";
    let action = ("client.create", resource);
    let access = authorize(conn, actor, &acting, Scope::Registration, action, now)?;
    if persons::find(conn, acting.as_str())?.is_none() {
        return Err(Refusal::not_found().with_detail(
            "Persona mai autenticata: la registrazione segue il primo accesso.",
            "This person never logged in: registration follows the first login.",
        ));
    }
    if let Client::Business(business) = &client {
        let book = rule_book(conn)?;
        let rules = rules_on(&book, rome_date(now))?;
        presto_eligibility(business, rules).map_err(|refused| {
            Refusal::new(Problem::PrestoNotAllowed)
                .with_detail(
                    format!("PrestO non consentito: regola «{}».", refused.rule()),
                    refused.to_string(),
                )
                .with_extension("rule", serde_json::Value::from(refused.rule()))
        })?;
    }
    let id = uuid::Uuid::new_v4();
    if !repo::insert_client(conn, &ClientRow::of(id, &client, now))? {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "Questo codice fiscale è già registrato come utilizzatore.",
            "This tax code is already registered as a client.",
        ));
    }
    persons::grant_role(
        conn,
        acting.as_str(),
        Role::Client.as_str(),
        actor.tax_code.as_deref(),
        now,
    )?;
    let stored = repo::find_client(conn, id, false)?.ok_or_else(Refusal::not_found)?;
    let resource = format!("/v1/clients/{id}");
    audit_write(
        conn,
        actor,
        &access,
        ("client.create", &resource),
        stored.subject(),
        now,
    )?;
    Ok(stored)
}

/// The client `id` for an actor with `scope` on its data (the person, the business's legal
/// representative, a delegate within scope, an operator); locked for update when `lock`. 404
/// when unknown or not visible.
pub fn visible_client(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    scope: Scope,
    (action, lock): (&str, bool),
    now: OffsetDateTime,
) -> Result<(StoredClient, Access), Refusal> {
    let client = repo::find_client(conn, id, lock)?.ok_or_else(Refusal::not_found)?;
    let resource = format!("/v1/clients/{id}");
    let access = authorize(
        conn,
        actor,
        client.subject(),
        scope,
        (action, &resource),
        now,
    )?;
    Ok((client, access))
}

/// The client `id` (`GET /v1/clients/{id}`).
pub fn show_client(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<StoredClient, Refusal> {
    visible_client(conn, actor, id, Scope::Read, ("client.read", false), now).map(|(c, _)| c)
}
