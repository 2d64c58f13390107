//! One line of an import file read into the domain command of its use case
//! ([`RecordEmployment`], [`RecordPayment`]), column by column, collecting every problem of the
//! line instead of stopping at the first. The rules are the domain's
//! (`RecordEmployment::checked`), so a file is checked exactly as `POST /v1/employments` is.

use std::collections::HashMap;
use std::str::FromStr as _;

use inps_domain::contribution::QuarterId;
use inps_domain::contribution::payment::{NoticeNumber, RecordPayment};
use inps_domain::employment::{
    Address, EmploymentCode, EmploymentType, PersonName, RecordEmployment,
};
use inps_domain::money::Money;
use inps_domain::tax_code::TaxCode;
use rust_decimal::Decimal;
use time::Date;

use super::{LineError, column_of, line_error};
use crate::wire::decimal::parse_plain;

/// The fields of one line, collecting every problem found while reading them.
pub(super) struct Fields<'a> {
    pub(super) line: u64,
    /// The day the rules are checked on (plausible dates).
    pub(super) today: Date,
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

    fn text(&self, column: &'static str) -> String {
        self.values.get(column).map_or("", |v| v.trim()).to_owned()
    }

    fn tax_code(&mut self, column: &'static str) -> Option<TaxCode> {
        let value = self.required(column)?;
        TaxCode::parse(&value)
            .map_err(|e| self.fail(column, format!("invalid tax code {value:?}: {e}")))
            .ok()
    }

    fn person(&mut self, prefix: &'static str) -> Option<PersonName> {
        let [tax_code, given, family] = match prefix {
            "employer" => [
                "employer_tax_code",
                "employer_given_name",
                "employer_family_name",
            ],
            _ => ["worker_tax_code", "worker_given_name", "worker_family_name"],
        };
        Some(PersonName {
            tax_code: self.tax_code(tax_code)?,
            given_name: self.text(given),
            family_name: self.text(family),
        })
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

    fn decimal(&mut self, column: &'static str) -> Option<Decimal> {
        let value = self.required(column)?;
        let number = parse_plain(&value, 28, 28);
        if number.is_none() {
            self.fail(
                column,
                format!("expected a decimal number with a dot, found {value:?}"),
            );
        }
        number
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

/// Reads one line into an employment command checked by the domain's rules on `today`, or the
/// problems of that line.
pub(super) fn parse_record(fields: &mut Fields<'_>) -> Option<RecordEmployment> {
    let employer = fields.person("employer");
    let employer_address = Address {
        street: fields.optional("employer_street"),
        postal_code: fields.optional("employer_postal_code"),
        municipality: fields.optional("employer_municipality"),
        province: fields.optional("employer_province"),
    };
    let worker = fields.person("worker");
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
    let start = fields.date("start_date", true);
    let end = fields.date("end_date", false);
    let weekly_hours = fields.decimal("weekly_hours");
    let hourly_pay = fields.decimal("hourly_pay").and_then(|pay| {
        Money::eur(pay)
            .map_err(|e| fields.fail("hourly_pay", e.to_string()))
            .ok()
    });
    let live_in = fields.boolean("live_in");
    let fixed_term = fields.boolean("fixed_term");
    let cuaf = fields.boolean("cuaf");
    let command = RecordEmployment {
        employer: employer?,
        employer_address,
        worker: worker?,
        employment_type: employment_type?,
        start: start?,
        end,
        weekly_hours: weekly_hours?,
        hourly_pay: hourly_pay?,
        live_in: live_in?,
        fixed_term: fixed_term?,
        cuaf: cuaf?,
    };
    match command.checked(fields.today) {
        Ok(command) => Some(command),
        Err(problems) => {
            for p in problems {
                fields.fail(&column_of(p.field), p.error.to_string());
            }
            None
        }
    }
}

/// Reads one line of a payments file into (employment code, payment command), or its problems.
pub(super) fn parse_payment(fields: &mut Fields<'_>) -> Option<(EmploymentCode, RecordPayment)> {
    let code = fields.required("employment_code").and_then(|v| {
        EmploymentCode::parse(&v)
            .map_err(|e| {
                fields.fail(
                    "employment_code",
                    format!("invalid employment code {v:?}: {e}"),
                );
            })
            .ok()
    });
    let quarter = fields.required("quarter").and_then(|v| {
        v.parse::<QuarterId>()
            .map_err(|_| fields.fail("quarter", format!("expected YYYY-Qn, found {v:?}")))
            .ok()
    });
    let notice = fields.required("pagopa_notice_number").and_then(|v| {
        NoticeNumber::parse(&v)
            .map_err(|_| {
                fields.fail(
                    "pagopa_notice_number",
                    format!("expected 18 digits, found {v:?}"),
                );
            })
            .ok()
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
        RecordPayment {
            quarter: quarter?,
            notice_number: notice?,
            paid_on: paid_on?,
            amount: amount?,
        },
    ))
}
