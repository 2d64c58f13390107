//! Tests for the checks of a recorded employment.

use time::macros::date;

use super::*;

fn person(given: &str, family: &str) -> PersonName {
    PersonName {
        tax_code: TaxCode::parse("RSSMRA85T10A562S").unwrap(),
        given_name: given.to_owned(),
        family_name: family.to_owned(),
    }
}

fn command() -> RecordEmployment {
    RecordEmployment {
        employer: person(" Mario ", "Rossi"),
        employer_address: Address {
            street: Some(" Via Roma 1 ".to_owned()),
            postal_code: Some("00184".to_owned()),
            municipality: Some("Roma".to_owned()),
            province: Some("RM".to_owned()),
        },
        worker: person("Anna", "Bianchi "),
        employment_type: EmploymentType::Badante,
        start: date!(2026 - 01 - 05),
        end: None,
        weekly_hours: Decimal::new(25, 0),
        hourly_pay: Money::from_cents(1000).unwrap(),
        live_in: false,
        fixed_term: false,
        cuaf: true,
    }
}

const TODAY: Date = date!(2026 - 05 - 04);

fn fields(result: Result<RecordEmployment, Vec<FieldProblem>>) -> Vec<&'static str> {
    result.unwrap_err().into_iter().map(|p| p.field).collect()
}

#[test]
fn a_valid_command_comes_back_with_its_texts_trimmed() {
    let checked = command().checked(TODAY).unwrap();
    assert_eq!(checked.employer.given_name, "Mario");
    assert_eq!(checked.worker.family_name, "Bianchi");
    assert_eq!(
        checked.employer_address.street.as_deref(),
        Some("Via Roma 1")
    );
}

#[test]
fn blank_names_and_address_texts_are_refused_naming_each_field() {
    let mut c = command();
    c.employer.given_name = "   ".to_owned();
    c.worker.family_name = "\t".to_owned();
    c.employer_address.street = Some(" ".to_owned());
    c.employer_address.municipality = Some(String::new());
    assert_eq!(
        fields(c.checked(TODAY)),
        [
            "employer.given_name",
            "employer_address.street",
            "employer_address.municipality",
            "worker.family_name"
        ]
    );
}

#[test]
fn dates_outside_1900_to_a_year_ahead_are_refused() {
    let mut c = command();
    c.start = date!(-0001 - 01 - 01);
    c.end = Some(date!(9999 - 12 - 31));
    assert_eq!(fields(c.checked(TODAY)), ["start_date", "end_date"]);
    let mut c = command();
    c.start = date!(2027 - 05 - 05);
    assert_eq!(fields(c.checked(TODAY)), ["start_date"]);
    let mut c = command();
    c.start = date!(1900 - 01 - 01);
    c.end = Some(date!(2027 - 05 - 04));
    assert!(c.checked(TODAY).is_ok());
}

#[test]
fn terms_and_address_codes_keep_their_rules() {
    let mut c = command();
    c.end = Some(date!(2026 - 01 - 04));
    c.weekly_hours = Decimal::new(60, 0);
    c.hourly_pay = Money::zero();
    c.employer_address.postal_code = Some("0018".to_owned());
    c.employer_address.province = Some("rm".to_owned());
    assert_eq!(
        fields(c.checked(TODAY)),
        [
            "employer_address.postal_code",
            "employer_address.province",
            "end_date",
            "weekly_hours",
            "hourly_pay.amount"
        ]
    );
}
