//! Occasional work (Prestazioni occasionali): the dated rule sets, workers and clients.
//!
//! Rows are read once into domain types (`inps_domain::occasional`); a value the domain refuses
//! is a [`CorruptRow`].

use std::str::FromStr as _;

use diesel::prelude::*;
use inps_domain::money::Money;
use inps_domain::occasional::client::{Business, Client};
use inps_domain::occasional::rules::{
    AtecoCode, Limits, PayoutFees, PrestoTerms, RuleBook, RuleSet, Sector, TitleValue,
};
use inps_domain::occasional::wallet::Wallet;
use inps_domain::occasional::worker::{
    Category, PaymentMethod, PaymentMethodKind, SelfDeclaration,
};
use inps_domain::tax_code::TaxCode;
use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};

use crate::corrupt::{CorruptRow, parse_column};
use crate::schema::{occasional_clients, occasional_rule_sets, occasional_workers};

/// A failure to read occasional-work rows: the query, or a row the domain refuses.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The database failed.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// A stored value the domain refuses.
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
}

fn corrupt(
    table: &'static str,
    key: &dyn std::fmt::Display,
    column: &'static str,
    reason: impl std::fmt::Display,
) -> CorruptRow {
    CorruptRow {
        table,
        key: key.to_string(),
        column,
        reason: reason.to_string(),
    }
}

/// A rule set as stored (`occasional_rule_sets`): amounts in cents, rates as fractions.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = occasional_rule_sets)]
pub struct RuleSetRow {
    pub effective_from: Date,
    pub worker_limit_cents: i64,
    pub client_limit_cents: i64,
    pub client_listed_sector_limit_cents: i64,
    pub pair_limit_cents: i64,
    pub presto_pair_hours: i32,
    pub former_employer_months: i32,
    pub title_gross_cents: i64,
    pub title_net_cents: i64,
    pub title_pension_cents: i64,
    pub title_inail_cents: i64,
    pub title_management_cents: i64,
    pub libretto_report_day: i16,
    pub presto_min_hourly_pay_cents: i64,
    pub presto_min_daily_pay_cents: i64,
    pub presto_pension_rate: Decimal,
    pub presto_inail_rate: Decimal,
    pub presto_management_rate: Decimal,
    pub presto_notice_minutes: i32,
    pub presto_revocation_days: i32,
    pub presto_max_employees: Decimal,
    pub presto_max_employees_listed_sector: Decimal,
    pub weighting: Decimal,
    pub weighted_categories: Vec<String>,
    pub listed_sectors: serde_json::Value,
    pub banned_sectors: serde_json::Value,
    pub payout_fee_bonifico_domiciliato_cents: i64,
    pub payout_fee_other_cents: i64,
}

impl TryFrom<RuleSetRow> for RuleSet {
    type Error = CorruptRow;

    fn try_from(row: RuleSetRow) -> Result<Self, CorruptRow> {
        let key = row.effective_from;
        let bad = |column: &'static str, reason: &dyn std::fmt::Display| {
            corrupt("occasional_rule_sets", &key, column, reason)
        };
        let eur = |column: &'static str, cents: i64| {
            Money::from_cents(cents).map_err(|e| bad(column, &e))
        };
        let count =
            |column: &'static str, value: i32| u32::try_from(value).map_err(|e| bad(column, &e));
        let sectors = |column: &'static str, value: serde_json::Value| {
            serde_json::from_value::<Vec<Sector>>(value).map_err(|e| bad(column, &e))
        };
        let weighted_categories = row
            .weighted_categories
            .iter()
            .map(|name| Category::from_str(name).map_err(|e| bad("weighted_categories", &e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            effective_from: row.effective_from,
            limits: Limits {
                worker: eur("worker_limit_cents", row.worker_limit_cents)?,
                client: eur("client_limit_cents", row.client_limit_cents)?,
                client_listed_sector: eur(
                    "client_listed_sector_limit_cents",
                    row.client_listed_sector_limit_cents,
                )?,
                pair: eur("pair_limit_cents", row.pair_limit_cents)?,
                presto_pair_hours: count("presto_pair_hours", row.presto_pair_hours)?,
                former_employer_months: count(
                    "former_employer_months",
                    row.former_employer_months,
                )?,
            },
            title: TitleValue {
                gross: eur("title_gross_cents", row.title_gross_cents)?,
                net: eur("title_net_cents", row.title_net_cents)?,
                pension: eur("title_pension_cents", row.title_pension_cents)?,
                inail: eur("title_inail_cents", row.title_inail_cents)?,
                management: eur("title_management_cents", row.title_management_cents)?,
            },
            libretto_report_day: u8::try_from(row.libretto_report_day)
                .map_err(|e| bad("libretto_report_day", &e))?,
            presto: PrestoTerms {
                min_hourly_pay: eur(
                    "presto_min_hourly_pay_cents",
                    row.presto_min_hourly_pay_cents,
                )?,
                min_daily_pay: eur("presto_min_daily_pay_cents", row.presto_min_daily_pay_cents)?,
                pension_rate: row.presto_pension_rate,
                inail_rate: row.presto_inail_rate,
                management_rate: row.presto_management_rate,
                notice_minutes: count("presto_notice_minutes", row.presto_notice_minutes)?,
                revocation_days: count("presto_revocation_days", row.presto_revocation_days)?,
                max_employees: row.presto_max_employees,
                max_employees_listed_sector: row.presto_max_employees_listed_sector,
            },
            weighting: row.weighting,
            weighted_categories,
            listed_sectors: sectors("listed_sectors", row.listed_sectors)?,
            banned_sectors: sectors("banned_sectors", row.banned_sectors)?,
            payout_fees: PayoutFees {
                bonifico_domiciliato: eur(
                    "payout_fee_bonifico_domiciliato_cents",
                    row.payout_fee_bonifico_domiciliato_cents,
                )?,
                other: eur("payout_fee_other_cents", row.payout_fee_other_cents)?,
            },
        })
    }
}

impl RuleSetRow {
    /// The row storing `rules` (a new law is one more row).
    pub fn of(rules: &RuleSet) -> Result<Self, serde_json::Error> {
        let to_i32 = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
        Ok(Self {
            effective_from: rules.effective_from,
            worker_limit_cents: rules.limits.worker.cents(),
            client_limit_cents: rules.limits.client.cents(),
            client_listed_sector_limit_cents: rules.limits.client_listed_sector.cents(),
            pair_limit_cents: rules.limits.pair.cents(),
            presto_pair_hours: to_i32(rules.limits.presto_pair_hours),
            former_employer_months: to_i32(rules.limits.former_employer_months),
            title_gross_cents: rules.title.gross.cents(),
            title_net_cents: rules.title.net.cents(),
            title_pension_cents: rules.title.pension.cents(),
            title_inail_cents: rules.title.inail.cents(),
            title_management_cents: rules.title.management.cents(),
            libretto_report_day: i16::from(rules.libretto_report_day),
            presto_min_hourly_pay_cents: rules.presto.min_hourly_pay.cents(),
            presto_min_daily_pay_cents: rules.presto.min_daily_pay.cents(),
            presto_pension_rate: rules.presto.pension_rate,
            presto_inail_rate: rules.presto.inail_rate,
            presto_management_rate: rules.presto.management_rate,
            presto_notice_minutes: to_i32(rules.presto.notice_minutes),
            presto_revocation_days: to_i32(rules.presto.revocation_days),
            presto_max_employees: rules.presto.max_employees,
            presto_max_employees_listed_sector: rules.presto.max_employees_listed_sector,
            weighting: rules.weighting,
            weighted_categories: rules
                .weighted_categories
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            listed_sectors: serde_json::to_value(&rules.listed_sectors)?,
            banned_sectors: serde_json::to_value(&rules.banned_sectors)?,
            payout_fee_bonifico_domiciliato_cents: rules.payout_fees.bonifico_domiciliato.cents(),
            payout_fee_other_cents: rules.payout_fees.other.cents(),
        })
    }
}

/// Every stored rule set, as a [`RuleBook`] (a book the domain refuses, e.g. a weighting above
/// 100 %, is a corrupt row).
pub fn rule_book(conn: &mut PgConnection) -> Result<RuleBook, LoadError> {
    let sets = occasional_rule_sets::table
        .order(occasional_rule_sets::effective_from)
        .select(RuleSetRow::as_select())
        .load(conn)?
        .into_iter()
        .map(RuleSet::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    RuleBook::new(sets)
        .map_err(|e| LoadError::Corrupt(corrupt("occasional_rule_sets", &"*", "*", e)))
}

/// Adds a rule set (a new law).
pub fn insert_rule_set(conn: &mut PgConnection, row: &RuleSetRow) -> QueryResult<()> {
    diesel::insert_into(occasional_rule_sets::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// A worker as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = occasional_workers, treat_none_as_null = true)]
pub struct WorkerRow {
    /// Codice fiscale.
    pub tax_code: String,
    /// The self-declaration, as the domain serializes it.
    pub declaration: serde_json::Value,
    /// Its category (for filters).
    pub category: String,
    /// `iban_transfer`, `bonifico_domiciliato` or `post_office_mandate`.
    pub payment_method: String,
    /// The IBAN of an IBAN transfer.
    pub iban: Option<String>,
    /// When registered.
    pub registered_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// A registered worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    /// Codice fiscale.
    pub tax_code: TaxCode,
    /// The current self-declaration.
    pub declaration: SelfDeclaration,
    /// How INPS pays them.
    pub payment_method: PaymentMethod,
    /// When registered.
    pub registered_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

impl WorkerRow {
    /// The row of `worker`.
    pub fn of(worker: &Worker) -> Result<Self, serde_json::Error> {
        Ok(Self {
            tax_code: worker.tax_code.as_str().to_owned(),
            declaration: serde_json::to_value(&worker.declaration)?,
            category: worker.declaration.category().as_str().to_owned(),
            payment_method: worker.payment_method.kind().as_str().to_owned(),
            iban: match &worker.payment_method {
                PaymentMethod::IbanTransfer { iban } => Some(iban.as_str().to_owned()),
                _ => None,
            },
            registered_at: worker.registered_at,
            updated_at: worker.updated_at,
        })
    }
}

impl TryFrom<WorkerRow> for Worker {
    type Error = CorruptRow;

    fn try_from(row: WorkerRow) -> Result<Self, CorruptRow> {
        const T: &str = "occasional_workers";
        let key = row.tax_code.clone();
        let tax_code = parse_column(T, &key, "tax_code", &row.tax_code, TaxCode::parse)?;
        let declaration = serde_json::from_value(row.declaration)
            .map_err(|e| corrupt(T, &key, "declaration", e))?;
        let kind = parse_column(T, &key, "payment_method", &row.payment_method, |s| {
            PaymentMethodKind::from_str(s)
        })?;
        let payment_method = PaymentMethod::new(kind, row.iban.as_deref())
            .map_err(|e| corrupt(T, &key, "iban", e))?;
        Ok(Self {
            tax_code,
            declaration,
            payment_method,
            registered_at: row.registered_at,
            updated_at: row.updated_at,
        })
    }
}

/// The worker with `tax_code`, locked for update when `lock`.
pub fn find_worker(
    conn: &mut PgConnection,
    tax_code: &str,
    lock: bool,
) -> Result<Option<Worker>, LoadError> {
    let query = occasional_workers::table
        .find(tax_code)
        .select(WorkerRow::as_select());
    let row = if lock {
        query.for_update().first(conn).optional()?
    } else {
        query.first(conn).optional()?
    };
    Ok(row.map(Worker::try_from).transpose()?)
}

/// Inserts a worker; `false` when one with the tax code exists.
pub fn insert_worker(conn: &mut PgConnection, row: &WorkerRow) -> QueryResult<bool> {
    diesel::insert_into(occasional_workers::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n == 1)
}

/// Replaces a worker's declaration and payment method.
pub fn update_worker(conn: &mut PgConnection, row: &WorkerRow) -> QueryResult<()> {
    diesel::update(occasional_workers::table.find(&row.tax_code))
        .set(row)
        .execute(conn)
        .map(drop)
}

/// A client as stored, with its wallet.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = occasional_clients)]
pub struct ClientRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// `person` or `business`.
    pub kind: String,
    /// The client's tax code (the person's, or the business's).
    pub tax_code: String,
    /// A business's legal representative.
    pub legal_representative: Option<String>,
    /// A business's ATECO code (digits).
    pub ateco: Option<String>,
    /// A business's open-ended employees.
    pub employees: Option<Decimal>,
    /// Settled fundings minus payouts.
    pub paid_in_cents: i64,
    /// Held by services.
    pub committed_cents: i64,
    /// When recorded.
    pub created_at: OffsetDateTime,
}

/// A recorded client with its wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClient {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The client.
    pub client: Client,
    /// Its funds.
    pub wallet: Wallet,
    /// When recorded.
    pub created_at: OffsetDateTime,
}

impl StoredClient {
    /// The tax code whose data this client is: the person's or the business's.
    pub fn subject(&self) -> &TaxCode {
        match &self.client {
            Client::Person { tax_code } => tax_code,
            Client::Business(business) => &business.tax_code,
        }
    }
}

impl ClientRow {
    /// The row of a new client `id` with an empty wallet.
    pub fn of(id: uuid::Uuid, client: &Client, now: OffsetDateTime) -> Self {
        let (kind, tax_code, business) = match client {
            Client::Person { tax_code } => ("person", tax_code, None),
            Client::Business(b) => ("business", &b.tax_code, Some(b)),
        };
        Self {
            id,
            kind: kind.to_owned(),
            tax_code: tax_code.as_str().to_owned(),
            legal_representative: business.map(|b| b.legal_representative.as_str().to_owned()),
            ateco: business.map(|b| b.ateco.digits().to_owned()),
            employees: business.map(Business::employees),
            paid_in_cents: 0,
            committed_cents: 0,
            created_at: now,
        }
    }
}

impl TryFrom<ClientRow> for StoredClient {
    type Error = CorruptRow;

    fn try_from(row: ClientRow) -> Result<Self, CorruptRow> {
        const T: &str = "occasional_clients";
        let key = row.id;
        let tax_code = parse_column(T, &key, "tax_code", &row.tax_code, TaxCode::parse)?;
        let client = match (
            row.kind.as_str(),
            row.legal_representative,
            row.ateco,
            row.employees,
        ) {
            ("person", None, None, None) => Client::Person { tax_code },
            ("business", Some(rep), Some(ateco), Some(employees)) => {
                let rep = parse_column(T, &key, "legal_representative", &rep, TaxCode::parse)?;
                let ateco = parse_column(T, &key, "ateco", &ateco, AtecoCode::parse)?;
                Client::Business(
                    Business::new(tax_code, rep, ateco, employees)
                        .map_err(|e| corrupt(T, &key, "employees", e))?,
                )
            }
            (kind, ..) => {
                return Err(corrupt(
                    T,
                    &key,
                    "kind",
                    format!("{kind:?} with wrong details"),
                ));
            }
        };
        let money = |column: &'static str, cents: i64| {
            Money::from_cents(cents).map_err(|e| corrupt(T, &key, column, e))
        };
        let wallet = Wallet::new(
            money("paid_in_cents", row.paid_in_cents)?,
            money("committed_cents", row.committed_cents)?,
        )
        .map_err(|e| corrupt(T, &key, "committed_cents", e))?;
        Ok(Self {
            id: row.id,
            client,
            wallet,
            created_at: row.created_at,
        })
    }
}

/// Inserts a client; `false` when one with the same tax code exists.
pub fn insert_client(conn: &mut PgConnection, row: &ClientRow) -> QueryResult<bool> {
    diesel::insert_into(occasional_clients::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n == 1)
}

/// The client `id`, locked for update when `lock` (its wallet changes).
pub fn find_client(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    lock: bool,
) -> Result<Option<StoredClient>, LoadError> {
    let query = occasional_clients::table
        .find(id)
        .select(ClientRow::as_select());
    let row = if lock {
        query.for_update().first(conn).optional()?
    } else {
        query.first(conn).optional()?
    };
    Ok(row.map(StoredClient::try_from).transpose()?)
}

/// The tax codes of the businesses `person` is the legal representative of.
pub fn represented_by(conn: &mut PgConnection, person: &str) -> QueryResult<Vec<String>> {
    occasional_clients::table
        .filter(occasional_clients::legal_representative.eq(person))
        .select(occasional_clients::tax_code)
        .order(occasional_clients::tax_code)
        .load(conn)
}

/// Stores a client's wallet.
pub fn store_wallet(conn: &mut PgConnection, id: uuid::Uuid, wallet: &Wallet) -> QueryResult<()> {
    diesel::update(occasional_clients::table.find(id))
        .set((
            occasional_clients::paid_in_cents.eq(wallet.paid_in().cents()),
            occasional_clients::committed_cents.eq(wallet.committed().cents()),
        ))
        .execute(conn)
        .map(drop)
}

/// The tax codes of the clients (the person, or the business's legal representative) with open
/// services (recorded, disputed or rectified) of `worker`.
pub fn clients_with_open_services(
    conn: &mut PgConnection,
    worker: &str,
) -> Result<Vec<TaxCode>, LoadError> {
    use crate::schema::occasional_services as s;
    let rows: Vec<(String, Option<String>)> = s::table
        .inner_join(occasional_clients::table)
        .filter(s::worker_tax_code.eq(worker))
        .filter(s::status.eq_any(["recorded", "disputed", "rectified"]))
        .select((
            occasional_clients::tax_code,
            occasional_clients::legal_representative,
        ))
        .distinct()
        .load(conn)?;
    rows.into_iter()
        .map(|(tax_code, representative)| {
            let who = representative.unwrap_or(tax_code);
            parse_column("occasional_clients", &who, "tax_code", &who, TaxCode::parse)
                .map_err(LoadError::from)
        })
        .collect()
}

/// A funding (versamento) as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::schema::occasional_fundings)]
pub struct FundingRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The client whose wallet it funds.
    pub client_id: uuid::Uuid,
    /// The amount, in cents.
    pub amount_cents: i64,
    /// The payment notice number (18 digits).
    pub notice_number: String,
    /// `pending` or `settled`.
    pub status: String,
    /// When the notice was created.
    pub created_at: OffsetDateTime,
    /// When it was settled.
    pub settled_at: Option<OffsetDateTime>,
    /// Who settled it.
    pub settled_by: Option<String>,
}

/// The next payment notice number: `30` and 16 digits of a sequence.
pub fn next_notice_number(conn: &mut PgConnection) -> QueryResult<String> {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "nextval('occasional_funding_notices')",
    ))
    .get_result::<i64>(conn)
    .map(|n| format!("30{n:016}"))
}

/// Inserts a funding.
pub fn insert_funding(conn: &mut PgConnection, row: &FundingRow) -> QueryResult<()> {
    diesel::insert_into(crate::schema::occasional_fundings::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The funding `id`, locked for update when `lock`.
pub fn find_funding(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    lock: bool,
) -> QueryResult<Option<FundingRow>> {
    let query = crate::schema::occasional_fundings::table
        .find(id)
        .select(FundingRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// Marks the funding `id` settled at `now` by `by`.
pub fn settle_funding(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    by: Option<&str>,
    now: OffsetDateTime,
) -> QueryResult<FundingRow> {
    use crate::schema::occasional_fundings as f;
    diesel::update(f::table.find(id))
        .set((
            f::status.eq("settled"),
            f::settled_at.eq(now),
            f::settled_by.eq(by),
        ))
        .returning(FundingRow::as_returning())
        .get_result(conn)
}
