//! The wire shapes of the dashboards: [`WorkerDashboardBody`], [`ClientDashboardBody`].

use inps_domain::money::Money;
use inps_domain::occasional::service::ServiceStatus;
use serde::Serialize;
use utoipa::ToSchema;

use super::use_cases::{ClientDashboard, WorkerDashboard};
use crate::occasional::services::wire::LimitsBody;
use crate::occasional::wallet::wire::Wallet;
use crate::wire::MoneySchema;

/// A worker's year.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerDashboardBody {
    /// The calendar year.
    pub year: i32,
    /// Net pay of every service of the year that is not revoked.
    #[schema(value_type = MoneySchema)]
    pub earned: Money,
    /// Net pay INPS credited (services `paid`).
    #[schema(value_type = MoneySchema)]
    pub paid_by_inps: Money,
    /// Net pay not yet paid (services `recorded` or `rectified`: being verified, or in a
    /// payment on its way).
    #[schema(value_type = MoneySchema)]
    pub not_yet_paid: Money,
    /// Of `not_yet_paid`, what a `scheduled` or `in_payment` payment holds.
    #[schema(value_type = MoneySchema)]
    pub in_payment: Money,
    /// Net pay of services `disputed` (waiting for the client).
    #[schema(value_type = MoneySchema)]
    pub disputed: Money,
    /// The limits: used and residual (as `GET .../limits`).
    pub limits: LimitsBody,
}

/// How many services of the year are in each status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServicesByStatus {
    /// `recorded`.
    pub recorded: i64,
    /// `disputed`.
    pub disputed: i64,
    /// `rectified`.
    pub rectified: i64,
    /// `revoked`.
    pub revoked: i64,
    /// `paid`.
    pub paid: i64,
}

/// A client's year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDashboardBody {
    /// The calendar year.
    pub year: i32,
    /// What the client pays for the year's services that are not revoked (pay plus
    /// contributions, premiums and management costs).
    #[schema(value_type = MoneySchema)]
    pub spent: Money,
    /// Net pay to workers of the same services.
    #[schema(value_type = MoneySchema)]
    pub net_pay: Money,
    /// Services by status.
    pub services_by_status: ServicesByStatus,
    /// The wallet now: paid in, committed, available.
    pub wallet: Wallet,
    /// The limits: used and residual (as `GET .../limits`).
    pub limits: LimitsBody,
}

impl From<WorkerDashboard> for WorkerDashboardBody {
    fn from(d: WorkerDashboard) -> Self {
        Self {
            year: d.year,
            earned: d.summary.earned,
            paid_by_inps: d.summary.paid,
            not_yet_paid: d.summary.not_yet_paid,
            in_payment: d.summary.in_payment,
            disputed: d.summary.disputed,
            limits: LimitsBody::from(d.limits),
        }
    }
}

impl From<ClientDashboard> for ClientDashboardBody {
    fn from(d: ClientDashboard) -> Self {
        let count = |s| d.by_status.get(&s).copied().unwrap_or(0);
        Self {
            year: d.year,
            spent: d.summary.spent,
            net_pay: d.summary.earned,
            services_by_status: ServicesByStatus {
                recorded: count(ServiceStatus::Recorded),
                disputed: count(ServiceStatus::Disputed),
                rectified: count(ServiceStatus::Rectified),
                revoked: count(ServiceStatus::Revoked),
                paid: count(ServiceStatus::Paid),
            },
            wallet: Wallet::from(d.wallet),
            limits: LimitsBody::from(d.limits),
        }
    }
}
