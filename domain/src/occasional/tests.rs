//! Tests of the occasional-work rules, one file per module, with the fixtures they share.

use std::str::FromStr;

use rust_decimal::Decimal;
use time::{Date, Time};

use super::client::{Business, Client};
use super::rules::{AtecoCode, RuleBook, RuleSet};
use super::service::{Activity, ServiceDraft, Terms};
use crate::check_tables::check_letter;
use crate::money::Money;
use crate::tax_code::TaxCode;

mod admission;
mod changes;
mod client;
mod dispute;
mod limits;
mod payment;
mod rules;
mod service;
mod wallet;
mod worker;

/// The rules in force since 2023.
fn rules() -> RuleSet {
    RuleSet::law_2023().unwrap()
}

/// The seeded book.
fn book() -> RuleBook {
    RuleBook::seed().unwrap()
}

/// Euro from a decimal literal, e.g. `eur("2500.01")`.
fn eur(text: &str) -> Money {
    Money::parse_amount(text).unwrap()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// A personal tax code from its first 15 characters, with the check letter computed.
fn person(body: &str) -> TaxCode {
    let check = check_letter(body.as_bytes()).unwrap();
    TaxCode::parse(&format!("{body}{check}")).unwrap()
}

/// A natural-person client (Libretto Famiglia).
fn household() -> Client {
    Client::Person {
        tax_code: person("VRDGPP70A01H501"),
    }
}

/// A PrestO business with `employees` in sector `ateco`.
fn business(ateco: &str, employees: &str) -> Business {
    Business::new(
        TaxCode::parse("02121151001").unwrap(),
        person("BNCLRA80A41F205"),
        AtecoCode::parse(ateco).unwrap(),
        dec(employees),
    )
    .unwrap()
}

fn time(hour: u8, minute: u8) -> Time {
    Time::from_hms(hour, minute, 0).unwrap()
}

/// A Libretto Famiglia service of `minutes` on `date` at 09:00.
fn libretto(date: Date, minutes: u32) -> ServiceDraft {
    ServiceDraft {
        date,
        start: time(9, 0),
        minutes,
        activity: Activity::HomeCare,
        terms: Terms::LibrettoFamiglia,
    }
}

/// A PrestO service of `minutes` on `date` at 09:00 paying `pay` net.
fn presto(date: Date, minutes: u32, pay: &str) -> ServiceDraft {
    ServiceDraft {
        date,
        start: time(9, 0),
        minutes,
        activity: Activity::Other,
        terms: Terms::Presto { pay: eur(pay) },
    }
}
