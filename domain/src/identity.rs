//! Who a signed-in user is: the roles the services know, the SPID/CIE level of assurance, the
//! identity provider used and the intermediary qualifications INPS recognises.
//!
//! Every enum here travels on the wire and is stored as text, so each has a stable snake_case
//! name (`as_str`, serde) and parses back with [`FromStr`] into a [`ParseError`] on failure.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A text value that is not one of the names of an enum of this crate.
///
/// Shared by every text-stored enum of the identity, delegation and authorization rules: the
/// only useful information is which enum was expected and what arrived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {kind}")]
pub struct ParseError {
    /// Human-readable name of the expected enum, e.g. `"role"`.
    pub kind: &'static str,
    /// The rejected input, as received.
    pub value: String,
}

/// Finds the variant of `all` whose wire name is `input`.
///
/// Matching is exact (case-sensitive): the names are written by this code base, so any other
/// spelling is a bug or tampering rather than something to tolerate.
pub(crate) fn parse_wire<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    kind: &'static str,
    input: &str,
) -> Result<T, ParseError> {
    all.iter()
        .copied()
        .find(|&variant| name(variant) == input)
        .ok_or_else(|| ParseError {
            kind,
            value: input.to_owned(),
        })
}

/// What a user does in the services. A user may hold several roles at once (an employer who is
/// also a client of occasional work).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Employer of domestic workers (datore di lavoro domestico).
    Employer,
    /// Worker, domestic or occasional (lavoratore / prestatore).
    Worker,
    /// User of occasional work through Libretto Famiglia or PrestO (utilizzatore).
    Client,
    /// Professional or association acting for others under a delegation.
    Intermediary,
    /// INPS staff, who can see any subject's data for assistance and checks.
    Operator,
}

impl Role {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::Employer,
        Self::Worker,
        Self::Client,
        Self::Intermediary,
        Self::Operator,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employer => "employer",
            Self::Worker => "worker",
            Self::Client => "client",
            Self::Intermediary => "intermediary",
            Self::Operator => "operator",
        }
    }
}

impl FromStr for Role {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "role", s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The SPID level of assurance (LoA) reached at login, as carried by the OIDC `acr` claim.
///
/// CIE id uses the same three `acr` values. The variants are declared in increasing strength, so
/// the derived [`Ord`] gives `L1 < L2 < L3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssuranceLevel {
    /// Single factor (password). Not enough for INPS services.
    L1,
    /// Two factors (password plus OTP or app).
    L2,
    /// Two factors with a qualified device (smart card, CIE chip).
    L3,
}

/// Common prefix of the SPID `acr` URIs.
const ACR_PREFIX: &str = "https://www.spid.gov.it/";

impl AssuranceLevel {
    /// Every variant, weakest first.
    pub const ALL: [Self; 3] = [Self::L1, Self::L2, Self::L3];

    /// The lowest level INPS services accept: personal and contribution data need at least
    /// SpidL2, and the Prestazioni Occasionali portal accepts SPID L2, CIE, CNS or eIDAS.
    pub const MINIMUM: Self = Self::L2;

    /// Stable wire and storage name (`l1`, `l2`, `l3`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::L1 => "l1",
            Self::L2 => "l2",
            Self::L3 => "l3",
        }
    }

    /// The `acr` URI that requests or asserts this level, e.g. `https://www.spid.gov.it/SpidL2`.
    pub fn acr_uri(self) -> &'static str {
        match self {
            Self::L1 => "https://www.spid.gov.it/SpidL1",
            Self::L2 => "https://www.spid.gov.it/SpidL2",
            Self::L3 => "https://www.spid.gov.it/SpidL3",
        }
    }

    /// The level named by an `acr` value: the full URI or the bare `SpidL1`/`SpidL2`/`SpidL3`
    /// (some providers and test tools send the short form). `None` for anything else, which
    /// callers must treat as insufficient.
    pub fn from_acr(acr: &str) -> Option<Self> {
        let bare = acr.strip_prefix(ACR_PREFIX).unwrap_or(acr);
        match bare {
            "SpidL1" => Some(Self::L1),
            "SpidL2" => Some(Self::L2),
            "SpidL3" => Some(Self::L3),
            _ => None,
        }
    }

    /// Whether this level is enough to use the services (at least [`Self::MINIMUM`]).
    pub fn is_sufficient(self) -> bool {
        self >= Self::MINIMUM
    }
}

impl FromStr for AssuranceLevel {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "assurance level", s)
    }
}

impl fmt::Display for AssuranceLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The public digital identity system the user signed in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityProvider {
    /// Sistema Pubblico di Identità Digitale.
    Spid,
    /// Carta d'Identità Elettronica (CIE id).
    Cie,
    /// Carta Nazionale dei Servizi (smart card).
    Cns,
    /// A notified identity of another EU member state, through the eIDAS node.
    Eidas,
}

impl IdentityProvider {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 4] = [Self::Spid, Self::Cie, Self::Cns, Self::Eidas];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spid => "spid",
            Self::Cie => "cie",
            Self::Cns => "cns",
            Self::Eidas => "eidas",
        }
    }
}

impl FromStr for IdentityProvider {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "identity provider", s)
    }
}

impl fmt::Display for IdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The categories of intermediary INPS lets act for employers and clients (circ. INPS 49/2011:
/// consulente del lavoro, commercialista, patronato, CAF, associazione di categoria).
///
/// The qualification is what entitles a user to the [`Role::Intermediary`] role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntermediaryQualification {
    /// Consulente del lavoro (L. 12/1979).
    LabourConsultant,
    /// Dottore commercialista or esperto contabile.
    Accountant,
    /// Istituto di patronato.
    Patronato,
    /// Centro di assistenza fiscale.
    Caf,
    /// Associazione di categoria (employers' or trade association).
    TradeAssociation,
}

impl IntermediaryQualification {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::LabourConsultant,
        Self::Accountant,
        Self::Patronato,
        Self::Caf,
        Self::TradeAssociation,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LabourConsultant => "labour_consultant",
            Self::Accountant => "accountant",
            Self::Patronato => "patronato",
            Self::Caf => "caf",
            Self::TradeAssociation => "trade_association",
        }
    }
}

impl FromStr for IntermediaryQualification {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "intermediary qualification", s)
    }
}

impl fmt::Display for IntermediaryQualification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_names_round_trip;

    #[test]
    fn names_round_trip() {
        assert_names_round_trip(&Role::ALL, Role::as_str);
        assert_names_round_trip(&AssuranceLevel::ALL, AssuranceLevel::as_str);
        assert_names_round_trip(&IdentityProvider::ALL, IdentityProvider::as_str);
        assert_names_round_trip(
            &IntermediaryQualification::ALL,
            IntermediaryQualification::as_str,
        );
    }

    #[test]
    fn wire_names() {
        let roles: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            roles,
            ["employer", "worker", "client", "intermediary", "operator"]
        );
        let qualifications: Vec<_> = IntermediaryQualification::ALL
            .iter()
            .map(|q| q.as_str())
            .collect();
        assert_eq!(
            qualifications,
            [
                "labour_consultant",
                "accountant",
                "patronato",
                "caf",
                "trade_association"
            ]
        );
        assert_eq!(IdentityProvider::Eidas.to_string(), "eidas");
    }

    #[test]
    fn unknown_names_are_rejected() {
        assert_eq!(
            "Employer".parse::<Role>(),
            Err(ParseError {
                kind: "role",
                value: "Employer".to_owned()
            })
        );
        assert!("".parse::<IdentityProvider>().is_err());
        assert!("L2".parse::<AssuranceLevel>().is_err());
        assert_eq!(
            "ca f"
                .parse::<IntermediaryQualification>()
                .unwrap_err()
                .to_string(),
            "'ca f' is not a valid intermediary qualification"
        );
    }

    #[test]
    fn acr_values() {
        for level in AssuranceLevel::ALL {
            assert_eq!(AssuranceLevel::from_acr(level.acr_uri()), Some(level));
        }
        assert_eq!(
            AssuranceLevel::from_acr("https://www.spid.gov.it/SpidL2"),
            Some(AssuranceLevel::L2)
        );
        assert_eq!(AssuranceLevel::from_acr("SpidL3"), Some(AssuranceLevel::L3));
        assert_eq!(AssuranceLevel::from_acr("SpidL1"), Some(AssuranceLevel::L1));
        for bad in [
            "",
            "SpidL4",
            "spidl2",
            "https://www.spid.gov.it/",
            "http://www.spid.gov.it/SpidL2",
            "https://www.spid.gov.it/SpidL2/",
            "https://example.org/SpidL2",
        ] {
            assert_eq!(AssuranceLevel::from_acr(bad), None, "{bad}");
        }
    }

    #[test]
    fn levels_are_ordered_and_l2_is_the_minimum() {
        use AssuranceLevel::{L1, L2, L3};
        assert!(L1 < L2 && L2 < L3);
        assert_eq!(AssuranceLevel::MINIMUM, L2);
        assert!(!L1.is_sufficient());
        assert!(L2.is_sufficient());
        assert!(L3.is_sufficient());
    }
}
