//! The use cases of the dashboards: reads, each audited when made through a delegation.

use std::collections::BTreeMap;

use diesel::PgConnection;
use inps_domain::delegation::Scope;
use inps_domain::money::Money;
use inps_domain::occasional::payment::{Counted, YearSummary};
use inps_domain::occasional::service::ServiceStatus;
use inps_domain::occasional::wallet::Wallet;
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional as repo;
use inps_persistence::occasional_payments::{self as payments, CountedRow};
use inps_persistence::occasional_services::year_bounds;
use time::OffsetDateTime;

use super::super::authorize;
use super::super::clients::use_cases::visible_client;
use super::super::services::use_cases::{YearLimits, client_year_limits, worker_year_limits};
use crate::auth::Actor;
use crate::problems::Text;
use crate::refusal::Refusal;

/// A worker's year.
#[derive(Debug, Clone)]
pub struct WorkerDashboard {
    /// The year.
    pub year: i32,
    /// The sums.
    pub summary: YearSummary,
    /// The limits.
    pub limits: YearLimits,
}

/// A client's year.
#[derive(Debug, Clone)]
pub struct ClientDashboard {
    /// The year.
    pub year: i32,
    /// The sums.
    pub summary: YearSummary,
    /// How many services in each status.
    pub by_status: BTreeMap<ServiceStatus, i64>,
    /// The wallet now.
    pub wallet: Wallet,
    /// The limits.
    pub limits: YearLimits,
}

fn counted(rows: &[CountedRow]) -> Result<Vec<Counted>, Refusal> {
    rows.iter()
        .map(|r| {
            Ok(Counted {
                status: r.status.parse().map_err(Refusal::internal)?,
                in_payment: r.in_payment,
                net: Money::from_cents(r.net_cents).map_err(Refusal::internal)?,
                gross: Money::from_cents(r.gross_cents).map_err(Refusal::internal)?,
            })
        })
        .collect()
}

fn bounds(year: i32) -> Result<(time::Date, time::Date), Refusal> {
    year_bounds(year).ok_or_else(|| {
        Refusal::invalid_field(
            "year",
            Text::new("anno fuori intervallo", "year out of range"),
        )
    })
}

/// The worker's `year` (`GET /v1/workers/{tax_code}/dashboard`): same visibility as the worker.
pub fn worker_dashboard(
    conn: &mut PgConnection,
    actor: &Actor,
    worker: &TaxCode,
    year: i32,
    now: OffsetDateTime,
) -> Result<WorkerDashboard, Refusal> {
    let link = format!("/v1/workers/{}/dashboard", worker.as_str());
    authorize(
        conn,
        actor,
        worker,
        Scope::Read,
        ("worker.dashboard.read", &link),
        now,
    )?;
    repo::find_worker(conn, worker.as_str(), false)?.ok_or_else(Refusal::not_found)?;
    let rows = payments::counted(conn, Some(worker.as_str()), None, bounds(year)?)?;
    let summary = YearSummary::of(&counted(&rows)?).map_err(Refusal::internal)?;
    Ok(WorkerDashboard {
        year,
        summary,
        limits: worker_year_limits(conn, worker, year)?,
    })
}

/// The client's `year` (`GET /v1/clients/{id}/dashboard`): same visibility as the client.
pub fn client_dashboard(
    conn: &mut PgConnection,
    actor: &Actor,
    client_id: uuid::Uuid,
    year: i32,
    now: OffsetDateTime,
) -> Result<ClientDashboard, Refusal> {
    let action = ("client.dashboard.read", false);
    let (client, _) = visible_client(conn, actor, client_id, Scope::Read, action, now)?;
    let rows = payments::counted(conn, None, Some(client_id), bounds(year)?)?;
    let list = counted(&rows)?;
    let summary = YearSummary::of(&list).map_err(Refusal::internal)?;
    let mut by_status: BTreeMap<ServiceStatus, i64> =
        ServiceStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for c in &list {
        *by_status.entry(c.status).or_default() += 1;
    }
    Ok(ClientDashboard {
        year,
        summary,
        by_status,
        wallet: client.wallet,
        limits: client_year_limits(conn, &client, year)?,
    })
}
