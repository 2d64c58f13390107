//! Workers (prestatori): the self-declaration of a category, its formal checks, and how INPS
//! pays them.
//!
//! Since the Decreto Dignità (D.L. 87/2018 art. 2-bis) the worker self-declares a category when
//! registering (DOMAIN.md 1.1, 1.6). Pensioners, under-25 students, the unemployed and
//! income-support recipients count at 75 % against the client limit (c.8). The declaration is
//! the worker's word, but what the platform already knows can contradict it: a
//! `student_under_25` whose tax code says 25 or older on the work date. Such a contradiction is
//! an [`Alert`] that [blocks](Alert::blocks_services) new services until the declaration is
//! updated.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::Date;

use super::rules::PayoutFees;
use crate::iban::{Iban, IbanError};
use crate::identity::{ParseError, parse_wire};
use crate::money::Money;
use crate::notification::named_enum;
use crate::tax_code::TaxCode;
use crate::text::{TextError, clean_text};

/// The age from which a person no longer qualifies as `student_under_25` (c.8 b).
pub const STUDENT_AGE_LIMIT: i32 = 25;

/// The longest free text of a declaration (school, scheme), in characters.
pub const MAX_DETAIL_CHARS: usize = 200;

named_enum! {
    /// The category a worker self-declares (autodichiarazione; c.8, D.L. 87/2018 art. 2-bis).
    Category, "worker category" {
        /// Holder of an old-age or invalidity pension (c.8 a).
        Pensioner = "pensioner",
        /// Under 25 and enrolled in a school or university course (c.8 b).
        #[serde(rename = "student_under_25")]
        StudentUnder25 = "student_under_25",
        /// Unemployed under art. 19 D.Lgs. 150/2015 (c.8 c).
        Unemployed = "unemployed",
        /// Recipient of a wage-supplement scheme, REI or other income support (c.8 d).
        IncomeSupport = "income_support",
        /// None of the above: pay counts in full against every limit.
        Other = "other",
    }
}

named_enum! {
    /// The kind of pension of a [`Category::Pensioner`].
    PensionKind, "pension kind" {
        /// Pensione di vecchiaia.
        OldAge = "old_age",
        /// Pensione di invalidità.
        Invalidity = "invalidity",
    }
}

/// The self-declaration with the details of its category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "category", rename_all = "snake_case")]
pub enum SelfDeclaration {
    /// A pensioner, with the kind of pension.
    Pensioner {
        /// Old-age or invalidity.
        pension: PensionKind,
    },
    /// An under-25 student, with the school or university they are enrolled in.
    #[serde(rename = "student_under_25")]
    StudentUnder25 {
        /// The school or university, trimmed, not blank.
        institution: String,
    },
    /// Unemployed, since the day of the declaration of immediate availability (DID).
    Unemployed {
        /// First day of unemployment.
        since: Date,
    },
    /// Receiving income support, with the scheme.
    IncomeSupport {
        /// The scheme (e.g. cassa integrazione), trimmed, not blank.
        scheme: String,
    },
    /// None of the special categories.
    Other,
}

/// Why a self-declaration cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeclarationError {
    /// The institution or scheme text is blank, too long or holds a NUL.
    #[error("the declaration details are not acceptable: {0}")]
    Details(#[from] TextError),
}

impl SelfDeclaration {
    /// A student declaration; `institution` is trimmed and must not be blank.
    pub fn student(institution: &str) -> Result<Self, DeclarationError> {
        Ok(Self::StudentUnder25 {
            institution: clean_text(institution, MAX_DETAIL_CHARS)?,
        })
    }

    /// An income-support declaration; `scheme` is trimmed and must not be blank.
    pub fn income_support(scheme: &str) -> Result<Self, DeclarationError> {
        Ok(Self::IncomeSupport {
            scheme: clean_text(scheme, MAX_DETAIL_CHARS)?,
        })
    }

    /// The declared category.
    pub fn category(&self) -> Category {
        match self {
            Self::Pensioner { .. } => Category::Pensioner,
            Self::StudentUnder25 { .. } => Category::StudentUnder25,
            Self::Unemployed { .. } => Category::Unemployed,
            Self::IncomeSupport { .. } => Category::IncomeSupport,
            Self::Other => Category::Other,
        }
    }
}

/// A contradiction between the declaration and what the platform knows, found by
/// [`check_declaration`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Alert {
    /// A `student_under_25` whose tax code gives 25 or more years on the work date (c.8 b).
    StudentNotUnder25 {
        /// Birth date read from the tax code.
        birth_date: Date,
        /// Completed years on the work date.
        age: i32,
    },
    /// A `student_under_25` whose tax code carries no birth date (a numeric code, or one the
    /// calendar cannot place): the age cannot be verified, and an operator should look.
    AgeNotVerifiable,
    /// An `unemployed` worker whose unemployment starts after the work date.
    UnemployedAfterWorkDate {
        /// The declared first day of unemployment.
        since: Date,
    },
}

impl Alert {
    /// Stable code, for the pending action shown to the worker.
    pub fn code(&self) -> &'static str {
        match self {
            Self::StudentNotUnder25 { .. } => "student_not_under_25",
            Self::AgeNotVerifiable => "age_not_verifiable",
            Self::UnemployedAfterWorkDate { .. } => "unemployed_after_work_date",
        }
    }

    /// Whether the alert is a pending action that blocks new services until the declaration is
    /// updated. A declaration that contradicts the tax code or the work date would weight pay at
    /// 75 % on a false premise, so it blocks; an age that cannot be read only warns.
    pub fn blocks_services(&self) -> bool {
        !matches!(self, Self::AgeNotVerifiable)
    }
}

/// Completed years between `birth` and `on` (a person born on 29 February turns one year older
/// on 1 March in common years).
pub fn age_on(birth: Date, on: Date) -> i32 {
    let had_birthday = (on.month(), on.day()) >= (birth.month(), birth.day());
    on.year() - birth.year() - i32::from(!had_birthday)
}

/// The formal checks of a declaration for work on `work_date`; empty when consistent.
pub fn check_declaration(
    declaration: &SelfDeclaration,
    tax_code: &TaxCode,
    work_date: Date,
) -> Vec<Alert> {
    match declaration {
        SelfDeclaration::StudentUnder25 { .. } => match tax_code.birth_date(work_date) {
            Some(birth_date) => {
                let age = age_on(birth_date, work_date);
                if age >= STUDENT_AGE_LIMIT {
                    vec![Alert::StudentNotUnder25 { birth_date, age }]
                } else {
                    Vec::new()
                }
            }
            None => vec![Alert::AgeNotVerifiable],
        },
        SelfDeclaration::Unemployed { since } if *since > work_date => {
            vec![Alert::UnemployedAfterWorkDate { since: *since }]
        }
        _ => Vec::new(),
    }
}

named_enum! {
    /// How INPS pays the worker (INPS msg. 410 of 27/1/2023; DOMAIN.md 1.5).
    PaymentMethodKind, "payment method" {
        /// Credit to the worker's IBAN.
        IbanTransfer = "iban_transfer",
        /// Bonifico bancario domiciliato, cashed at any Poste Italiane office (fee 3.84 EUR).
        BonificoDomiciliato = "bonifico_domiciliato",
        /// Cash at any post office with a payment mandate printed by the client, 15 days after
        /// the client validates the service.
        PostOfficeMandate = "post_office_mandate",
    }
}

/// The worker's payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Credit to a valid IBAN.
    IbanTransfer {
        /// The account.
        iban: Iban,
    },
    /// Bonifico domiciliato.
    BonificoDomiciliato,
    /// Post-office mandate.
    PostOfficeMandate,
}

/// Why a payment method cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentMethodError {
    /// An IBAN transfer without an IBAN.
    #[error("an IBAN transfer needs an IBAN")]
    MissingIban,
    /// An IBAN given for a method that takes none.
    #[error("only an IBAN transfer takes an IBAN")]
    UnexpectedIban,
    /// The IBAN is not valid.
    #[error("the IBAN is not valid: {0}")]
    InvalidIban(#[from] IbanError),
}

impl PaymentMethod {
    /// The method of `kind`, parsing `iban` for an IBAN transfer (and refusing one for the other
    /// methods, so that a stray IBAN is never silently dropped).
    pub fn new(kind: PaymentMethodKind, iban: Option<&str>) -> Result<Self, PaymentMethodError> {
        match (kind, iban) {
            (PaymentMethodKind::IbanTransfer, Some(text)) => Ok(Self::IbanTransfer {
                iban: Iban::parse(text)?,
            }),
            (PaymentMethodKind::IbanTransfer, None) => Err(PaymentMethodError::MissingIban),
            (_, Some(_)) => Err(PaymentMethodError::UnexpectedIban),
            (PaymentMethodKind::BonificoDomiciliato, None) => Ok(Self::BonificoDomiciliato),
            (PaymentMethodKind::PostOfficeMandate, None) => Ok(Self::PostOfficeMandate),
        }
    }

    /// The kind of method.
    pub fn kind(&self) -> PaymentMethodKind {
        match self {
            Self::IbanTransfer { .. } => PaymentMethodKind::IbanTransfer,
            Self::BonificoDomiciliato => PaymentMethodKind::BonificoDomiciliato,
            Self::PostOfficeMandate => PaymentMethodKind::PostOfficeMandate,
        }
    }

    /// The fee INPS deducts from each payout by this method.
    pub fn payout_fee(&self, fees: &PayoutFees) -> Money {
        match self.kind() {
            PaymentMethodKind::BonificoDomiciliato => fees.bonifico_domiciliato,
            _ => fees.other,
        }
    }
}
