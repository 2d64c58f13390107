//! Named test people with valid tax codes.

use inps_domain::tax_code::TaxCode;

/// Completes a 15-character prefix with its check character.
pub fn with_check_char(prefix: &str) -> String {
    ('A'..='Z')
        .map(|c| format!("{prefix}{c}"))
        .find(|code| TaxCode::parse(code).is_ok())
        .unwrap_or_else(|| panic!("no check character makes {prefix} valid"))
}

/// A test person.
#[derive(Debug, Clone)]
pub struct Persona {
    /// Codice fiscale.
    pub tax_code: String,
    /// Given name.
    pub given_name: &'static str,
    /// Family name.
    pub family_name: &'static str,
}

impl Persona {
    fn new(prefix: &str, given_name: &'static str, family_name: &'static str) -> Self {
        Self {
            tax_code: with_check_char(prefix),
            given_name,
            family_name,
        }
    }
}

/// A household employer (the DOMAIN.md test vector).
pub fn employer() -> Persona {
    Persona {
        tax_code: "RSSMRA85T10A562S".into(),
        given_name: "Mario",
        family_name: "Rossi",
    }
}

/// Another subject, unrelated to the employer.
pub fn other_person() -> Persona {
    Persona {
        tax_code: "RSSMRA45D25F205N".into(),
        given_name: "Maria",
        family_name: "Rossini",
    }
}

/// The INPS operator of the tests (`BOOTSTRAP_OPERATOR_TAX_CODE`).
pub fn operator() -> Persona {
    Persona::new("VRDLGU70A01H501", "Luigi", "Verdi")
}

/// A labour consultant.
pub fn intermediary() -> Persona {
    Persona::new("BNCLRA80A41H501", "Laura", "Bianchi")
}

/// A second intermediary (a patronato's officer).
pub fn intermediary2() -> Persona {
    Persona::new("NREGPP75C15F205", "Giuseppe", "Neri")
}
