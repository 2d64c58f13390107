//! Wire enums: the domain's enums as they appear in the contract. The domain crate carries no
//! OpenAPI concerns, so each is mirrored here once, with lossless conversions both ways.

use inps_domain::contribution::ContributionStatus as DContributionStatus;
use inps_domain::delegation::{
    DelegationStatus as DDelegationStatus, Scope as DScope, Service as DService,
};
use inps_domain::employment::EmploymentType as DEmploymentType;
use inps_domain::identity::{
    AssuranceLevel as DAssuranceLevel, IdentityProvider as DIdentityProvider,
    IntermediaryQualification as DQualification, Role as DRole,
};
use inps_domain::inquiry::{InquiryOutcome as DInquiryOutcome, InquiryState as DInquiryState};

// `YYYY-MM-DD` (RFC 3339 full-date) for `time::Date` fields (`#[serde(with = "iso_date")]`):
// `time`'s own serde format is a tuple, which is not what the contract says.
time::serde::format_description!(
    pub iso_date,
    Date,
    "[year]-[month]-[day]"
);

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident <=> $domain:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl From<$name> for $domain {
            fn from(v: $name) -> Self {
                match v {
                    $($name::$variant => $domain::$variant),+
                }
            }
        }

        impl From<$domain> for $name {
            fn from(v: $domain) -> Self {
                match v {
                    $($domain::$variant => $name::$variant),+
                }
            }
        }
    };
}

wire_enum! {
    /// A role a person holds.
    Role <=> DRole {
        /// Datore di lavoro domestico.
        Employer,
        /// Prestatore (occasional worker).
        Worker,
        /// Utilizzatore (occasional-work client).
        Client,
        /// Qualified intermediary (circ. INPS 49/2011).
        Intermediary,
        /// INPS territorial office staff.
        Operator,
    }
}

wire_enum! {
    /// Authentication assurance level (SPID/CIE `acr`). L1 is never accepted.
    AssuranceLevel <=> DAssuranceLevel {
        /// SpidL1 (refused).
        #[serde(rename = "L1")]
        L1,
        /// SpidL2.
        #[serde(rename = "L2")]
        L2,
        /// SpidL3.
        #[serde(rename = "L3")]
        L3,
    }
}

wire_enum! {
    /// National identity scheme used to log in.
    IdentityProvider <=> DIdentityProvider {
        /// SPID.
        Spid,
        /// Carta d'identità elettronica.
        Cie,
        /// Carta nazionale dei servizi.
        Cns,
        /// eIDAS (EU identity).
        Eidas,
    }
}

wire_enum! {
    /// Qualification of an intermediary (circ. INPS 49/2011).
    Qualification <=> DQualification {
        /// Consulente del lavoro.
        LabourConsultant,
        /// Commercialista.
        Accountant,
        /// Patronato (L. 152/2001).
        Patronato,
        /// Centro di assistenza fiscale.
        Caf,
        /// Associazione di categoria.
        TradeAssociation,
    }
}

wire_enum! {
    /// The INPS service a delegation covers.
    Service <=> DService {
        /// Cassetto previdenziale lavoro domestico.
        DomesticWork,
        /// Prestazioni occasionali (Libretto Famiglia, PrestO).
        OccasionalWork,
    }
}

wire_enum! {
    /// What a delegate may do.
    Scope <=> DScope {
        /// Read the subject's data.
        Read,
        /// Send inquiries (quesiti).
        Inquiries,
        /// Book and manage appointments.
        Appointments,
        /// Record and manage services (prestazioni).
        Services,
        /// Fund the wallet and follow payments.
        Payments,
        /// Register the subject and keep the registration.
        Registration,
    }
}

wire_enum! {
    /// State of a delegation.
    DelegationStatus <=> DDelegationStatus {
        /// Created by the delegator, awaiting the intermediary's acceptance.
        Pending,
        /// In force (within its validity window).
        Active,
        /// Refused by the intermediary.
        Rejected,
        /// Revoked by either side, or replaced by a newer domestic-work delegation.
        Revoked,
        /// Past its validity window.
        Expired,
    }
}

wire_enum! {
    /// Kind of domestic work.
    EmploymentType <=> DEmploymentType {
        /// Collaboratore familiare (housework).
        Colf,
        /// Assistente familiare (care of elderly, sick or disabled people).
        Badante,
        /// Baby-sitter.
        BabySitter,
    }
}

/// An amount of money: `{"amount": "123.45", "currency": "EUR"}` (the amount is a decimal string,
/// never a floating-point number). The schema of `inps_domain::money::Money` on the wire.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = Money, example = json!({"amount": "123.45", "currency": "EUR"}))]
pub struct MoneySchema {
    /// Decimal amount with at most two decimals.
    #[schema(pattern = "^[0-9]{1,13}(\\.[0-9]{1,2})?$", max_length = 16)]
    pub amount: String,
    /// ISO 4217 currency: always EUR.
    #[schema(pattern = "^EUR$", max_length = 3)]
    pub currency: String,
}

wire_enum! {
    /// State of a quarter's contribution.
    ContributionStatus <=> DContributionStatus {
        /// Fully paid (on time or late).
        Paid,
        /// Not yet due, or in its payment window.
        Due,
        /// Deadline passed, nothing paid.
        Overdue,
        /// Something paid, less than the amount.
        Partial,
        /// More than 5 years after the deadline: it can no longer be paid (L. 335/1995 art. 3 c.9).
        Prescribed,
    }
}

wire_enum! {
    /// The answer to an inquiry.
    InquiryOutcome <=> DInquiryOutcome {
        /// Esito positivo: resolved.
        Positive,
        /// Esito negativo: not resolved (the inquiry may be brought to an appointment).
        Negative,
    }
}

wire_enum! {
    /// Where an inquiry stands.
    InquiryState <=> DInquiryState {
        /// Sent, no answer yet.
        AwaitingAnswer,
        /// Answered, positive.
        AnsweredPositive,
        /// Answered, negative.
        AnsweredNegative,
    }
}

pub mod decimal;
