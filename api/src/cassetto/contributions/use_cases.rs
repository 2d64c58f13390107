//! The use cases of contributions: the statement of an employment and the recording of a
//! payment. The rules are `inps_domain::contribution::{statement, payment}`; these load the
//! facts, apply them and store the decision.

use std::collections::HashMap;

use diesel::PgConnection;
use inps_domain::contribution::payment::{
    ContributionPayment, PaymentRefused, RecordPayment, check_payment,
};
use inps_domain::contribution::statement::{Statement, StatementFilter, contribution_statement};
use inps_domain::contribution::{ContributionStatus, QuarterId};
use inps_domain::delegation::Scope;
use inps_domain::employment::EmploymentCode;
use inps_domain::rome_time::rome_date;
use inps_persistence::contributions::{self as repo, PaymentRow};
use time::OffsetDateTime;

use crate::access::Audited;
use crate::auth::Actor;
use crate::cassetto::employments::use_cases::visible_employment;
use crate::error::Text;
use crate::problems::Problem;
use crate::refusal::Refusal;

/// The quarters asked for: `None` for the defaults of [`StatementFilter::new`].
#[derive(Debug, Clone, Copy, Default)]
pub struct StatementQuery {
    /// First quarter.
    pub from: Option<QuarterId>,
    /// Last quarter.
    pub to: Option<QuarterId>,
    /// Only this status.
    pub status: Option<ContributionStatus>,
}

/// The rate tables by year. A corrupt table is an internal error, never a missing rate.
pub fn rate_tables(
    conn: &mut PgConnection,
) -> Result<HashMap<i32, inps_domain::contribution::YearRates>, Refusal> {
    let rows = repo::all_rates(conn)?;
    let tables = repo::year_rates(&rows).map_err(Refusal::internal)?;
    Ok(tables.into_iter().map(|t| (t.year, t)).collect())
}

/// The contribution statement of employment `code` on `now`'s Italian day, for an actor who may
/// read it.
pub fn statement(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &EmploymentCode,
    query: StatementQuery,
    now: OffsetDateTime,
) -> Result<Statement<uuid::Uuid>, Refusal> {
    let today = rome_date(now);
    let filter = StatementFilter::new(query.from, query.to, query.status, today).map_err(|e| {
        Refusal::invalid_field(
            e.field,
            Text::new(format!("non valido: {}", e.error), e.error.to_string()),
        )
    })?;
    let resource = format!("/v1/employments/{code}/contributions");
    let audited = Audited {
        action: "contributions.read",
        resource: &resource,
    };
    let (employment, _) = visible_employment(conn, actor, code, Scope::Read, audited, now)?;
    let rates = rate_tables(conn)?;
    let payments = repo::payments_of(conn, code.as_str())?
        .into_iter()
        .map(|row| ContributionPayment::try_from(row).map_err(Refusal::internal))
        .collect::<Result<Vec<_>, _>>()?;
    let terms = employment.terms();
    contribution_statement(
        &terms,
        |y| rates.get(&y).copied(),
        &payments,
        &filter,
        today,
    )
    .map_err(Refusal::internal)
}

/// The refusal of a payment's check.
fn payment_refusal(refused: &PaymentRefused) -> Refusal {
    let (it, en) = match refused {
        PaymentRefused::QuarterOutsideEmployment { .. } => (
            "trimestre fuori dal rapporto di lavoro",
            "quarter outside the employment",
        ),
        PaymentRefused::AmountOutOfRange { .. } => (
            "deve essere positivo e al massimo 999999.99",
            "must be positive and at most 999999.99",
        ),
        PaymentRefused::PaidOnOutOfRange { .. } => (
            "deve cadere tra l'inizio del trimestre e oggi",
            "must fall between the start of the quarter and today",
        ),
        PaymentRefused::Prescribed { quarter, .. } => {
            return Refusal::new(Problem::ContributionPrescribed).with_detail(
                format!("Il trimestre {quarter} è prescritto: non può più essere versato (L. 335/1995 art. 3 c.9)."),
                format!("Quarter {quarter} is prescribed: it can no longer be paid (L. 335/1995 art. 3 c.9)."),
            );
        }
    };
    let field = refused.field().unwrap_or("body");
    Refusal::invalid_field(field, Text::new(it, en))
}

/// Records a pagoPA payment against a quarter of employment `code` (operators and the command
/// line: the endpoint, the import, the demo seeder), after [`check_payment`]. A notice number
/// recorded before is refused by its unique constraint (409 `payment-already-recorded`).
pub fn record_payment(
    conn: &mut PgConnection,
    actor: &Actor,
    code: &EmploymentCode,
    cmd: RecordPayment,
    now: OffsetDateTime,
) -> Result<ContributionPayment<uuid::Uuid>, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let resource = format!("/v1/employments/{code}/contribution-payments");
    let audited = Audited {
        action: "contribution_payment.record",
        resource: &resource,
    };
    let (employment, _) = visible_employment(conn, actor, code, Scope::Payments, audited, now)?;
    check_payment(&employment.terms(), &cmd, rome_date(now))
        .map_err(|refused| payment_refusal(&refused))?;
    let payment = ContributionPayment {
        id: uuid::Uuid::new_v4(),
        quarter: cmd.quarter,
        notice_number: cmd.notice_number,
        paid_on: cmd.paid_on,
        amount: cmd.amount,
    };
    let row = PaymentRow::of(code.as_str(), &payment, now, actor.tax_code.clone());
    repo::insert_payment(conn, &row)?;
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "contribution_payment.record",
            &format!("{resource}/{}", payment.id),
            Some(employment.employer.as_str()),
        ),
        now,
    )?;
    Ok(payment)
}
