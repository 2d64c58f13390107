//! The wire shapes of the wallet: [`NewFunding`], [`Funding`], [`Wallet`].

use inps_domain::money::Money;
use inps_domain::occasional::wallet::Wallet as DWallet;
use inps_persistence::occasional::FundingRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::refusal::Refusal;
use crate::wire::MoneySchema;

/// A funding to pay in.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": {"amount": "200.00", "currency": "EUR"}}))]
pub struct NewFunding {
    /// The amount: more than zero; for the Libretto Famiglia a multiple of 10 EUR.
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
}

/// A funding (versamento) and its payment notice.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0b8a0f3e-3c1d-4c55-9a7e-2f4d5e6a7b8c", "client_id": "6f1c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21",
    "amount": {"amount": "200.00", "currency": "EUR"}, "notice_number": "300000000000000001",
    "status": "pending", "created_at": "2026-03-02T09:00:00Z", "settled_at": null
}))]
pub struct Funding {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The client.
    pub client_id: uuid::Uuid,
    /// The amount.
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
    /// The payment notice number (codice avviso, 18 digits).
    #[schema(max_length = 18, pattern = "^[0-9]{18}$")]
    pub notice_number: String,
    /// `pending` until the back office settles it, then `settled` (credited to the wallet).
    #[schema(max_length = 8, pattern = "^(pending|settled)$")]
    pub status: String,
    /// When the notice was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was settled.
    #[serde(with = "time::serde::rfc3339::option")]
    pub settled_at: Option<OffsetDateTime>,
}

/// The client's funds.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "paid_in": {"amount": "200.00", "currency": "EUR"},
    "committed": {"amount": "40.00", "currency": "EUR"},
    "available": {"amount": "160.00", "currency": "EUR"}
}))]
pub struct Wallet {
    /// Settled fundings, minus what INPS paid out.
    #[schema(value_type = MoneySchema)]
    pub paid_in: Money,
    /// Held by recorded services.
    #[schema(value_type = MoneySchema)]
    pub committed: Money,
    /// What new services may still commit: never negative.
    #[schema(value_type = MoneySchema)]
    pub available: Money,
}

impl TryFrom<FundingRow> for Funding {
    type Error = Refusal;

    fn try_from(row: FundingRow) -> Result<Self, Refusal> {
        Ok(Self {
            id: row.id,
            client_id: row.client_id,
            amount: Money::from_cents(row.amount_cents).map_err(Refusal::internal)?,
            notice_number: row.notice_number,
            status: row.status,
            created_at: row.created_at,
            settled_at: row.settled_at,
        })
    }
}

impl From<DWallet> for Wallet {
    fn from(w: DWallet) -> Self {
        Self {
            paid_in: w.paid_in(),
            committed: w.committed(),
            available: w.available(),
        }
    }
}
