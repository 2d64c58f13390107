//! The wire shapes of clients: [`NewClient`] and [`Client`].

use inps_domain::occasional::client::{Business, Client as DClient};
use inps_domain::occasional::rules::AtecoCode;
use inps_domain::occasional::service::Channel as DChannel;
use inps_persistence::occasional::StoredClient;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::cassetto::employments::wire::tax_code;
use crate::problems::Text;
use crate::refusal::Refusal;
use crate::wire::decimal::parse_plain;

crate::wire::wire_enum! {
    /// The occasional-work instrument.
    OccasionalChannel <=> DChannel {
        /// Libretto Famiglia, for natural persons (art. 54-bis c.10).
        LibrettoFamiglia,
        /// Contratto di prestazione occasionale (PrestO), for businesses (c.13-14).
        Presto,
    }
}

/// What kind of client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// A natural person outside any business: the Libretto Famiglia.
    Person,
    /// A business (professional, company, association...) acting through its legal
    /// representative: PrestO.
    Business,
}

/// A new client. A `person` gives only `tax_code`; a `business` gives its tax code (partita
/// IVA or codice fiscale), its `legal_representative`, its `ateco` code and its open-ended
/// `employees` (average of the reference semester, part-timers pro rata).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "business", "tax_code": "12345678903", "legal_representative": "RSSMRA85T10A562S",
    "ateco": "56.10.11", "employees": "4"
}))]
pub struct NewClient {
    /// `person` or `business`.
    pub kind: ClientKind,
    /// The client's tax code.
    #[schema(max_length = 22)]
    pub tax_code: String,
    /// For a business: the legal representative's codice fiscale.
    #[schema(max_length = 22)]
    #[serde(default)]
    pub legal_representative: Option<String>,
    /// For a business: the ATECO 2007 code of its main activity (`82.30.00`).
    #[schema(max_length = 8, pattern = "^[0-9]{2}(\\.?[0-9]{2}(\\.?[0-9]{2})?)?$")]
    #[serde(default)]
    pub ateco: Option<String>,
    /// For a business: open-ended employees.
    #[schema(max_length = 7, pattern = "^[0-9]{1,4}(\\.[0-9]{1,2})?$")]
    #[serde(default)]
    pub employees: Option<String>,
}

/// An occasional-work client (utilizzatore).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "6f1c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21", "kind": "business", "channel": "presto",
    "tax_code": "12345678903", "legal_representative": "RSSMRA85T10A562S",
    "ateco": "56.10.11", "employees": "4", "created_at": "2026-03-02T09:00:00Z"
}))]
pub struct Client {
    /// Identifier.
    pub id: uuid::Uuid,
    /// `person` or `business`.
    pub kind: ClientKind,
    /// The only instrument this client may use.
    pub channel: OccasionalChannel,
    /// The client's tax code.
    #[schema(max_length = 16)]
    pub tax_code: String,
    /// A business's legal representative.
    #[schema(max_length = 16)]
    pub legal_representative: Option<String>,
    /// A business's ATECO code.
    #[schema(max_length = 8)]
    pub ateco: Option<String>,
    /// A business's open-ended employees.
    #[schema(max_length = 7)]
    pub employees: Option<String>,
    /// When recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

fn invalid(field: &str, it: &'static str, en: &'static str) -> Refusal {
    Refusal::invalid_field(field, Text::new(it, en))
}

impl TryFrom<NewClient> for DClient {
    type Error = Refusal;

    fn try_from(body: NewClient) -> Result<Self, Refusal> {
        let code = tax_code("tax_code", &body.tax_code)?;
        match body.kind {
            ClientKind::Person => {
                let extra = [
                    ("legal_representative", body.legal_representative.is_some()),
                    ("ateco", body.ateco.is_some()),
                    ("employees", body.employees.is_some()),
                ];
                if let Some((field, _)) = extra.iter().find(|(_, set)| *set) {
                    return Err(invalid(field, "solo per un'impresa", "only for a business"));
                }
                Ok(Self::Person { tax_code: code })
            }
            ClientKind::Business => {
                let required = |field: &str| invalid(field, "obbligatorio", "required");
                let rep = body
                    .legal_representative
                    .ok_or_else(|| required("legal_representative"))?;
                let ateco = body.ateco.ok_or_else(|| required("ateco"))?;
                let employees = body.employees.ok_or_else(|| required("employees"))?;
                let ateco = AtecoCode::parse(&ateco).map_err(|_| {
                    invalid("ateco", "codice ATECO non valido", "invalid ATECO code")
                })?;
                let employees = parse_plain(&employees, 4, 2)
                    .ok_or_else(|| invalid("employees", "numero non valido", "invalid number"))?;
                let business = Business::new(
                    code,
                    tax_code("legal_representative", &rep)?,
                    ateco,
                    employees,
                )
                .map_err(|_| invalid("employees", "negativo", "negative"))?;
                Ok(Self::Business(business))
            }
        }
    }
}

impl From<StoredClient> for Client {
    fn from(stored: StoredClient) -> Self {
        let channel = stored.client.channel().into();
        let (kind, business) = match &stored.client {
            DClient::Person { .. } => (ClientKind::Person, None),
            DClient::Business(b) => (ClientKind::Business, Some(b)),
        };
        Self {
            id: stored.id,
            kind,
            channel,
            tax_code: stored.subject().as_str().to_owned(),
            legal_representative: business.map(|b| b.legal_representative.as_str().to_owned()),
            ateco: business.map(|b| b.ateco.to_string()),
            employees: business.map(|b| b.employees().normalize().to_string()),
            created_at: stored.created_at,
        }
    }
}
