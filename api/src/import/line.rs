//! One line of an import file read into a [`NewEmployment`] or a [`NewPayment`], column by
//! column, collecting every problem of the line instead of stopping at the first.

use std::collections::HashMap;
use std::str::FromStr as _;

use inps_domain::employment::{self as rules, EmploymentType};
use inps_domain::money::Money;
use inps_domain::tax_code::TaxCode;
use rust_decimal::Decimal;
use time::Date;
use validator::Validate as _;

use super::{LineError, line_error};
use crate::cassetto::contributions::NewPayment;
use crate::cassetto::employments::{AddressInput, NewEmployment, PersonName};

/// The fields of one line, collecting every problem found while reading them.
pub(super) struct Fields<'a> {
    pub(super) line: u64,
    pub(super) values: HashMap<&'static str, &'a str>,
    pub(super) errors: Vec<LineError>,
}

impl Fields<'_> {
    fn fail(&mut self, column: &str, reason: impl Into<String>) {
        self.errors.push(line_error(self.line, column, reason));
    }

    fn optional(&self, column: &'static str) -> Option<String> {
        let value = self.values.get(column).map_or("", |v| v.trim());
        (!value.is_empty()).then(|| value.to_owned())
    }

    fn required(&mut self, column: &'static str) -> Option<String> {
        let value = self.optional(column);
        if value.is_none() {
            self.fail(column, "required");
        }
        value
    }

    fn name(&mut self, column: &'static str) -> String {
        let value = self.required(column).unwrap_or_default();
        if value.chars().count() > 100 {
            self.fail(column, "at most 100 characters");
        }
        value
    }

    fn tax_code(&mut self, column: &'static str) -> String {
        let value = self.required(column).unwrap_or_default();
        if value.is_empty() {
            return value;
        }
        match TaxCode::parse(&value) {
            Ok(code) => code.as_str().to_owned(),
            Err(e) => {
                self.fail(column, format!("invalid tax code {value:?}: {e}"));
                value
            }
        }
    }

    fn checked(
        &mut self,
        column: &'static str,
        rule: impl Fn(&str) -> bool,
        reason: &str,
    ) -> Option<String> {
        let value = self.optional(column)?;
        if rule(&value) {
            Some(value)
        } else {
            self.fail(column, format!("{reason}, found {value:?}"));
            None
        }
    }

    fn date(&mut self, column: &'static str, required: bool) -> Option<Date> {
        let value = if required {
            self.required(column)?
        } else {
            self.optional(column)?
        };
        let format = time::macros::format_description!("[year]-[month]-[day]");
        match Date::parse(&value, &format) {
            Ok(date) => Some(date),
            Err(_) => {
                self.fail(
                    column,
                    format!("expected a YYYY-MM-DD date, found {value:?}"),
                );
                None
            }
        }
    }

    fn decimal(
        &mut self,
        column: &'static str,
        rule: fn(Decimal) -> Result<(), rules::EmploymentError>,
    ) -> Option<Decimal> {
        let value = self.required(column)?;
        let plain = value.bytes().filter(|b| *b == b'.').count() <= 1
            && value.bytes().any(|b| b.is_ascii_digit())
            && value.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        let Some(number) = plain.then(|| Decimal::from_str(&value).ok()).flatten() else {
            self.fail(
                column,
                format!("expected a decimal number with a dot, found {value:?}"),
            );
            return None;
        };
        match rule(number) {
            Ok(()) => Some(number),
            Err(e) => {
                self.fail(column, e.to_string());
                None
            }
        }
    }

    fn boolean(&mut self, column: &'static str) -> Option<bool> {
        let value = self.required(column)?;
        match value.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.fail(column, format!("expected true or false, found {value:?}"));
                None
            }
        }
    }
}

/// Reads one line into an employment, or the problems of that line.
pub(super) fn parse_record(fields: &mut Fields<'_>) -> Option<NewEmployment> {
    let employer = PersonName {
        tax_code: fields.tax_code("employer_tax_code"),
        given_name: fields.name("employer_given_name"),
        family_name: fields.name("employer_family_name"),
    };
    let street = fields.checked(
        "employer_street",
        |v| v.chars().count() <= 200,
        "at most 200 characters",
    );
    let postal_code = fields.checked(
        "employer_postal_code",
        |v| v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit()),
        "must be 5 digits",
    );
    let municipality = fields.checked(
        "employer_municipality",
        |v| v.chars().count() <= 100,
        "at most 100 characters",
    );
    let province = fields.checked(
        "employer_province",
        |v| v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()),
        "must be two capital letters",
    );
    let worker = PersonName {
        tax_code: fields.tax_code("worker_tax_code"),
        given_name: fields.name("worker_given_name"),
        family_name: fields.name("worker_family_name"),
    };
    let employment_type = fields.required("employment_type").and_then(|v| {
        let parsed = EmploymentType::from_str(&v).ok();
        if parsed.is_none() {
            fields.fail(
                "employment_type",
                format!("expected colf, badante or baby_sitter, found {v:?}"),
            );
        }
        parsed
    });
    let start_date = fields.date("start_date", true);
    let end_date = fields.date("end_date", false);
    if let Some(start) = start_date
        && let Err(e) = rules::validate_period(start, end_date)
    {
        fields.fail("end_date", e.to_string());
    }
    let weekly_hours = fields.decimal("weekly_hours", rules::validate_weekly_hours);
    let hourly_pay = fields
        .decimal("hourly_pay", rules::validate_hourly_pay)
        .and_then(|pay| Money::eur(pay).ok());
    let live_in = fields.boolean("live_in");
    let fixed_term = fields.boolean("fixed_term");
    let cuaf = fields.boolean("cuaf");
    if !fields.errors.is_empty() {
        return None;
    }
    let address = [&street, &postal_code, &municipality, &province]
        .iter()
        .any(|v| v.is_some())
        .then_some(AddressInput {
            street,
            postal_code,
            municipality,
            province,
        });
    let input = NewEmployment {
        employer,
        employer_address: address,
        worker,
        employment_type: employment_type?.into(),
        start_date: start_date?,
        end_date,
        weekly_hours: weekly_hours?,
        hourly_pay: hourly_pay?,
        live_in: live_in?,
        fixed_term: fixed_term?,
        cuaf: cuaf?,
    };
    // The checks above cover every rule of the API's body; this guards against drifting apart.
    if let Err(e) = input.validate() {
        fields.fail("record", e.to_string().replace('\n', "; "));
        return None;
    }
    Some(input)
}

/// Reads one line of a payments file into (employment code, payment), or its problems.
pub(super) fn parse_payment(fields: &mut Fields<'_>) -> Option<(String, NewPayment)> {
    let code = fields.required("employment_code").and_then(|v| {
        match inps_domain::employment::EmploymentCode::parse(&v) {
            Ok(code) => Some(code.as_str().to_owned()),
            Err(e) => {
                fields.fail(
                    "employment_code",
                    format!("invalid employment code {v:?}: {e}"),
                );
                None
            }
        }
    });
    let quarter = fields.required("quarter").and_then(|v| {
        if v.parse::<inps_domain::contribution::QuarterId>().is_ok() {
            Some(v)
        } else {
            fields.fail("quarter", format!("expected YYYY-Qn, found {v:?}"));
            None
        }
    });
    let notice = fields.required("pagopa_notice_number").and_then(|v| {
        if v.len() == 18 && v.bytes().all(|b| b.is_ascii_digit()) {
            Some(v)
        } else {
            fields.fail(
                "pagopa_notice_number",
                format!("expected 18 digits, found {v:?}"),
            );
            None
        }
    });
    let paid_on = fields.date("paid_on", true);
    let amount = fields
        .required("amount")
        .and_then(|v| match Money::parse_amount(&v) {
            Ok(m) if !m.is_zero() => Some(m),
            _ => {
                fields.fail(
                    "amount",
                    format!("expected a positive amount such as 123.45, found {v:?}"),
                );
                None
            }
        });
    Some((
        code?,
        NewPayment {
            quarter: quarter?,
            pagopa_notice_number: notice?,
            paid_on: paid_on?,
            amount: amount?,
        },
    ))
}
