//! The wire shapes of workers: [`NewWorker`], [`SelfDeclarationBody`], [`PaymentMethodBody`]
//! and [`Worker`], with their conversions to and from the domain.

use inps_domain::occasional::worker::{
    Alert as DAlert, Category as DCategory, PaymentMethod as DPaymentMethod, PaymentMethodError,
    PaymentMethodKind as DPaymentMethodKind, PensionKind as DPensionKind,
    SelfDeclaration as DSelfDeclaration,
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use validator::Validate;

use super::use_cases::{RegisterWorker, WorkerView};
use crate::cassetto::employments::wire::tax_code;
use crate::problems::Text;
use crate::refusal::Refusal;

crate::wire::wire_enum! {
    /// The self-declared category (autodichiarazione; art. 54-bis c.8).
    WorkerCategory <=> DCategory {
        /// Titolare di pensione di vecchiaia o di invalidità.
        Pensioner,
        /// Giovane con meno di 25 anni iscritto a un ciclo di studi.
        #[serde(rename = "student_under_25")]
        StudentUnder25,
        /// Disoccupato (art. 19 D.Lgs. 150/2015).
        Unemployed,
        /// Percettore di prestazioni di sostegno del reddito.
        IncomeSupport,
        /// None of the above: pay counts in full against every limit.
        Other,
    }
}

crate::wire::wire_enum! {
    /// The kind of pension of a pensioner.
    PensionKind <=> DPensionKind {
        /// Pensione di vecchiaia.
        OldAge,
        /// Pensione di invalidità.
        Invalidity,
    }
}

crate::wire::wire_enum! {
    /// How INPS pays the worker.
    PaymentMethodKind <=> DPaymentMethodKind {
        /// Accredito su IBAN.
        IbanTransfer,
        /// Bonifico bancario domiciliato, cashed at Poste Italiane (fee 3.84 EUR).
        BonificoDomiciliato,
        /// Mandato pagabile presso ufficio postale.
        PostOfficeMandate,
    }
}

/// The self-declaration: the category, with the details it needs and no others (`pension`
/// for `pensioner`, `institution` for `student_under_25`, `since` for `unemployed`, `scheme`
/// for `income_support`).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"category": "student_under_25", "institution": "Università di Bologna"}))]
pub struct SelfDeclarationBody {
    /// The category.
    pub category: WorkerCategory,
    /// For `pensioner`: the kind of pension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pension: Option<PensionKind>,
    /// For `student_under_25`: the school or university (trimmed, not blank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub institution: Option<String>,
    /// For `unemployed`: the first day of unemployment (DID).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::iso_date::option"
    )]
    #[schema(value_type = Option<String>, format = Date)]
    pub since: Option<Date>,
    /// For `income_support`: the scheme (trimmed, not blank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub scheme: Option<String>,
}

/// The payment method: `iban` for an `iban_transfer` only.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "iban_transfer", "iban": "IT60X0542811101000000123456"}))]
pub struct PaymentMethodBody {
    /// The method.
    pub kind: PaymentMethodKind,
    /// The IBAN of an IBAN transfer (spaces allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 42)]
    pub iban: Option<String>,
}

/// A worker's registration.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "tax_code": "RSSMRA85T10A562S",
    "self_declaration": {"category": "pensioner", "pension": "old_age"},
    "payment_method": {"kind": "iban_transfer", "iban": "IT60X0542811101000000123456"}
}))]
pub struct NewWorker {
    /// Codice fiscale of the worker: the caller, or the person a delegate acts for.
    #[schema(max_length = 22)]
    pub tax_code: String,
    /// The self-declaration.
    #[validate(nested)]
    pub self_declaration: SelfDeclarationBody,
    /// The payment method.
    #[validate(nested)]
    pub payment_method: PaymentMethodBody,
}

/// A formal check of the self-declaration that failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeclarationAlert {
    /// `student_not_under_25`, `age_not_verifiable` or `unemployed_after_work_date`.
    #[schema(max_length = 40)]
    pub code: String,
    /// Whether it is a pending action that blocks new services until the declaration is
    /// updated (`age_not_verifiable` only warns).
    pub blocks_services: bool,
    /// The facts behind it (birth date and age, or the declared date).
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
}

/// A registered worker (prestatore).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "tax_code": "RSSMRA85T10A562S",
    "self_declaration": {"category": "pensioner", "pension": "old_age"},
    "payment_method": {"kind": "iban_transfer", "iban": "IT60X0542811101000000123456"},
    "alerts": [], "pending_action": false,
    "registered_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z"
}))]
pub struct Worker {
    /// Codice fiscale.
    #[schema(max_length = 16)]
    pub tax_code: String,
    /// The self-declaration.
    pub self_declaration: SelfDeclarationBody,
    /// The payment method.
    pub payment_method: PaymentMethodBody,
    /// The formal checks of the declaration that failed, against today.
    pub alerts: Vec<DeclarationAlert>,
    /// Whether a blocking alert holds new services until the declaration is updated.
    pub pending_action: bool,
    /// When registered.
    #[serde(with = "time::serde::rfc3339")]
    pub registered_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

fn detail_refusal(field: &str, it: &'static str, en: &'static str) -> Refusal {
    Refusal::invalid_field(format!("self_declaration.{field}"), Text::new(it, en))
}

fn required(field: &str) -> Refusal {
    detail_refusal(
        field,
        "obbligatorio per la categoria",
        "required by the category",
    )
}

impl TryFrom<SelfDeclarationBody> for DSelfDeclaration {
    type Error = Refusal;

    fn try_from(body: SelfDeclarationBody) -> Result<Self, Refusal> {
        let given = [
            ("pension", body.pension.is_some()),
            ("institution", body.institution.is_some()),
            ("since", body.since.is_some()),
            ("scheme", body.scheme.is_some()),
        ];
        let own = match body.category {
            WorkerCategory::Pensioner => Some("pension"),
            WorkerCategory::StudentUnder25 => Some("institution"),
            WorkerCategory::Unemployed => Some("since"),
            WorkerCategory::IncomeSupport => Some("scheme"),
            WorkerCategory::Other => None,
        };
        if let Some((field, _)) = given.iter().find(|(f, set)| *set && Some(*f) != own) {
            return Err(detail_refusal(
                field,
                "non previsto per la categoria",
                "not part of the category",
            ));
        }
        let text = |field: &str, value: Option<String>| {
            let value = value.ok_or_else(|| required(field))?;
            Ok::<_, Refusal>(value)
        };
        let blank =
            |field: &str| detail_refusal(field, "vuoto o troppo lungo", "blank or too long");
        Ok(match body.category {
            WorkerCategory::Pensioner => Self::Pensioner {
                pension: body.pension.ok_or_else(|| required("pension"))?.into(),
            },
            WorkerCategory::StudentUnder25 => {
                Self::student(&text("institution", body.institution)?)
                    .map_err(|_| blank("institution"))?
            }
            WorkerCategory::Unemployed => Self::Unemployed {
                since: body.since.ok_or_else(|| required("since"))?,
            },
            WorkerCategory::IncomeSupport => {
                Self::income_support(&text("scheme", body.scheme)?).map_err(|_| blank("scheme"))?
            }
            WorkerCategory::Other => Self::Other,
        })
    }
}

impl From<&DSelfDeclaration> for SelfDeclarationBody {
    fn from(d: &DSelfDeclaration) -> Self {
        let mut body = Self {
            category: d.category().into(),
            pension: None,
            institution: None,
            since: None,
            scheme: None,
        };
        match d {
            DSelfDeclaration::Pensioner { pension } => body.pension = Some((*pension).into()),
            DSelfDeclaration::StudentUnder25 { institution } => {
                body.institution = Some(institution.clone());
            }
            DSelfDeclaration::Unemployed { since } => body.since = Some(*since),
            DSelfDeclaration::IncomeSupport { scheme } => body.scheme = Some(scheme.clone()),
            DSelfDeclaration::Other => {}
        }
        body
    }
}

impl TryFrom<PaymentMethodBody> for DPaymentMethod {
    type Error = Refusal;

    fn try_from(body: PaymentMethodBody) -> Result<Self, Refusal> {
        Self::new(body.kind.into(), body.iban.as_deref()).map_err(|e| {
            let (it, en) = match e {
                PaymentMethodError::MissingIban => (
                    "obbligatorio per il bonifico su IBAN",
                    "required for an IBAN transfer",
                ),
                PaymentMethodError::UnexpectedIban => (
                    "ammesso solo per il bonifico su IBAN",
                    "only for an IBAN transfer",
                ),
                PaymentMethodError::InvalidIban(_) => ("IBAN non valido", "invalid IBAN"),
            };
            Refusal::invalid_field("payment_method.iban", Text::new(it, en))
        })
    }
}

impl From<&DPaymentMethod> for PaymentMethodBody {
    fn from(m: &DPaymentMethod) -> Self {
        Self {
            kind: m.kind().into(),
            iban: match m {
                DPaymentMethod::IbanTransfer { iban } => Some(iban.as_str().to_owned()),
                _ => None,
            },
        }
    }
}

impl TryFrom<NewWorker> for RegisterWorker {
    type Error = Refusal;

    fn try_from(body: NewWorker) -> Result<Self, Refusal> {
        Ok(Self {
            tax_code: tax_code("tax_code", &body.tax_code)?,
            declaration: body.self_declaration.try_into()?,
            payment_method: body.payment_method.try_into()?,
        })
    }
}

impl From<&DAlert> for DeclarationAlert {
    fn from(alert: &DAlert) -> Self {
        let mut facts = serde_json::to_value(alert).unwrap_or_default();
        if let Some(map) = facts.as_object_mut() {
            map.remove("code");
        }
        Self {
            code: alert.code().to_owned(),
            blocks_services: alert.blocks_services(),
            facts,
        }
    }
}

impl From<WorkerView> for Worker {
    fn from(view: WorkerView) -> Self {
        let w = view.worker;
        Self {
            tax_code: w.tax_code.as_str().to_owned(),
            self_declaration: (&w.declaration).into(),
            payment_method: (&w.payment_method).into(),
            pending_action: view.alerts.iter().any(DAlert::blocks_services),
            alerts: view.alerts.iter().map(DeclarationAlert::from).collect(),
            registered_at: w.registered_at,
            updated_at: w.updated_at,
        }
    }
}
