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

/// `wire_enum!` for the contexts' own enums (`crate::wire::wire_enum! { ... }`).
pub(crate) use wire_enum;

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

/// Integers as JSON Schema counts them: `6`, `6.0` and `6e0` are the same integer (JSON Schema
/// 2020-12 §6.3: a number with a zero fractional part is an integer), while serde's integer types
/// refuse a number written with a fraction or an exponent. The contract says `type: integer`, so
/// the server accepts every spelling of an integer and refuses real fractions.
pub mod integral {
    use serde::Deserializer;
    use serde::de::{self, Visitor};
    use serde_json::{Number, Value};

    /// The largest magnitude a float holds exactly as an integer (2^53).
    const EXACT: f64 = 9_007_199_254_740_992.0;

    fn integral_float(f: f64) -> Option<i64> {
        // In range and without a fraction, the cast is exact.
        (f.is_finite() && f.fract() == 0.0 && f.abs() <= EXACT).then_some(f as i64)
    }

    /// Rewrites every number of `value` with a zero fractional part (`6.0`, `1e3`) as the
    /// integer it is, so the body's integer fields deserialize as the contract says they should.
    /// Numbers with a fraction stay as they are (and an integer field refuses them).
    pub fn normalize(value: &mut Value) {
        match value {
            Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
                if let Some(i) = n.as_f64().and_then(integral_float) {
                    *n = Number::from(i);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(normalize),
            Value::Object(map) => map.values_mut().for_each(normalize),
            _ => {}
        }
    }

    struct I32Visitor;

    impl Visitor<'_> for I32Visitor {
        type Value = i32;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an integer")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i32, E> {
            i32::try_from(v).map_err(|_| E::custom(format!("integer {v} out of range")))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i32, E> {
            i32::try_from(v).map_err(|_| E::custom(format!("integer {v} out of range")))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i32, E> {
            integral_float(v)
                .ok_or_else(|| E::custom(format!("{v} is not an integer")))
                .and_then(|i| self.visit_i64(i))
        }

        // Query strings carry text: `6`, `6.0` and `6e0` are read as the number they spell.
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i32, E> {
            let v = v.trim();
            if let Ok(i) = v.parse::<i64>() {
                return self.visit_i64(i);
            }
            match v.parse::<f64>() {
                Ok(f) if v.bytes().any(|b| b.is_ascii_digit()) => self.visit_f64(f),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }

    /// `#[serde(default, deserialize_with = "crate::wire::integral::option_i32")]` for an optional
    /// `i32` read from a query string (or a JSON number): integral floats are accepted.
    pub fn option_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        d.deserialize_any(I32Visitor).map(Some)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[derive(Debug, serde::Deserialize)]
        struct Q {
            #[serde(default, deserialize_with = "option_i32")]
            limit: Option<i32>,
        }

        fn query(q: &str) -> Option<Option<i32>> {
            actix_web::web::Query::<Q>::from_query(q)
                .ok()
                .map(|q| q.into_inner().limit)
        }

        #[test]
        fn integral_spellings_are_integers_in_queries() {
            assert_eq!(query(""), Some(None));
            assert_eq!(query("limit=6"), Some(Some(6)));
            assert_eq!(query("limit=6.0"), Some(Some(6)));
            assert_eq!(query("limit=6e0"), Some(Some(6)));
            assert_eq!(query("limit=-0.0"), Some(Some(0)));
            assert_eq!(query("limit=6.5"), None);
            assert_eq!(query("limit=abc"), None);
            assert_eq!(query("limit=inf"), None);
            assert_eq!(query("limit=NaN"), None);
            assert_eq!(query("limit=3000000000"), None);
        }

        #[test]
        fn integral_floats_become_integers_in_bodies() {
            let mut v: Value = serde_json::from_str(
                r#"{"a": 6.0, "b": [1e3, 2.5], "c": {"d": -0.0}, "e": "7.0"}"#,
            )
            .unwrap_or_default();
            normalize(&mut v);
            assert_eq!(
                v,
                serde_json::json!({"a": 6, "b": [1000, 2.5], "c": {"d": 0}, "e": "7.0"})
            );
        }
    }
}

pub mod decimal;
