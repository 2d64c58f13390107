//! A person as the services know them: their names, what the identity provider asserts against
//! what INPS archives say, their contacts, the consents they gave and what onboarding still asks
//! of them. Pure rules over facts the caller loads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use crate::identity::ParseError;
use crate::identity::parse_wire;
use crate::tax_code::TaxCode;

/// A person known to the services (created at first login).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Codice fiscale.
    pub tax_code: TaxCode,
    /// Given name, as last asserted by the identity provider.
    pub given_name: String,
    /// Family name, as last asserted by the identity provider.
    pub family_name: String,
}

/// A given name and a family name, from one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Names<'a> {
    /// Given name.
    pub given_name: &'a str,
    /// Family name.
    pub family_name: &'a str,
}

/// Whether the names an identity provider asserted at login differ from those in an INPS
/// archive, so that an operator must review the record. Spacing at the ends and letter case do
/// not count (archives are often upper case); any other difference does.
pub fn name_mismatch(registry: Names<'_>, asserted: Names<'_>) -> bool {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    !same(registry.given_name, asserted.given_name)
        || !same(registry.family_name, asserted.family_name)
}

/// The contacts a person keeps on file, each with whether it was verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts {
    /// E-mail address.
    pub email: Option<String>,
    /// Whether the e-mail address is verified.
    pub email_verified: bool,
    /// PEC (certified e-mail) address.
    pub pec: Option<String>,
    /// Whether the PEC address is verified.
    pub pec_verified: bool,
    /// Mobile number, E.164.
    pub mobile: Option<String>,
    /// Whether the mobile number is verified.
    pub mobile_verified: bool,
}

impl Contacts {
    /// Whether at least one contact is on file.
    pub fn any(&self) -> bool {
        self.email.is_some() || self.pec.is_some() || self.mobile.is_some()
    }

    /// The contacts after the person replaces them with `email`, `pec` and `mobile` (absent or
    /// blank = removed): addresses trimmed, e-mail and PEC lower-cased; a changed address or
    /// number becomes unverified until verified again, an unchanged one keeps its flag.
    pub fn replaced(&self, email: Option<&str>, pec: Option<&str>, mobile: Option<&str>) -> Self {
        let norm = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (email, pec, mobile) = (
            norm(email).map(|e| e.to_ascii_lowercase()),
            norm(pec).map(|e| e.to_ascii_lowercase()),
            norm(mobile),
        );
        Self {
            email_verified: self.email_verified && email == self.email,
            pec_verified: self.pec_verified && pec == self.pec,
            mobile_verified: self.mobile_verified && mobile == self.mobile,
            email,
            pec,
            mobile,
        }
    }
}

/// A document a person must accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Document {
    /// Informativa privacy.
    PrivacyNotice,
    /// Condizioni d'uso.
    TermsOfUse,
}

impl Document {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 2] = [Self::PrivacyNotice, Self::TermsOfUse];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PrivacyNotice => "privacy_notice",
            Self::TermsOfUse => "terms_of_use",
        }
    }
}

impl FromStr for Document {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "document", s)
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The versions of the documents in force (configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentVersions<'a> {
    /// The privacy notice's.
    pub privacy_notice: &'a str,
    /// The terms of use's.
    pub terms_of_use: &'a str,
}

impl CurrentVersions<'_> {
    /// The version of `document` in force.
    pub fn of(&self, document: Document) -> &str {
        match document {
            Document::PrivacyNotice => self.privacy_notice,
            Document::TermsOfUse => self.terms_of_use,
        }
    }
}

/// A consent a person gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Which document.
    pub document: Document,
    /// The version accepted.
    pub version: String,
    /// When.
    pub given_at: OffsetDateTime,
}

impl Consent {
    /// Whether it accepts the version in force.
    pub fn is_current(&self, current: &CurrentVersions<'_>) -> bool {
        self.version == current.of(self.document)
    }
}

/// Why a consent cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the current version of {document} is {current}")]
pub struct NotCurrent {
    /// The document.
    pub document: Document,
    /// The version in force.
    pub current: String,
}

/// A person may accept only the version of a document in force.
pub fn check_consent(
    document: Document,
    version: &str,
    current: &CurrentVersions<'_>,
) -> Result<(), NotCurrent> {
    if version == current.of(document) {
        Ok(())
    } else {
        Err(NotCurrent {
            document,
            current: current.of(document).to_owned(),
        })
    }
}

/// Something onboarding still asks of the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnboardingStep {
    /// Accept the privacy notice and the terms of use in force.
    GiveConsents,
    /// Add at least one contact.
    AddContact,
}

impl OnboardingStep {
    /// Stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GiveConsents => "give_consents",
            Self::AddContact => "add_contact",
        }
    }
}

/// Where a person is in onboarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarding {
    /// Every document in force is accepted in its current version.
    pub consents_given: bool,
    /// At least one contact is on file.
    pub contacts_given: bool,
}

impl Onboarding {
    /// What is still to do, in order.
    pub fn steps(&self) -> Vec<OnboardingStep> {
        let mut steps = Vec::new();
        if !self.consents_given {
            steps.push(OnboardingStep::GiveConsents);
        }
        if !self.contacts_given {
            steps.push(OnboardingStep::AddContact);
        }
        steps
    }
}

/// The onboarding state of a person who gave `consents` and keeps `contacts`: done when every
/// document is accepted in the version in force and at least one contact is on file.
pub fn onboarding(
    consents: &[Consent],
    current: &CurrentVersions<'_>,
    contacts: &Contacts,
) -> Onboarding {
    Onboarding {
        consents_given: Document::ALL.iter().all(|doc| {
            consents
                .iter()
                .any(|c| c.document == *doc && c.is_current(current))
        }),
        contacts_given: contacts.any(),
    }
}

pub mod verification;

#[cfg(test)]
mod tests;
