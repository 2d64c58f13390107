//! Clients and PrestO eligibility at each threshold.

use super::*;
use crate::occasional::client::{BusinessError, PrestoRefusal, presto_eligibility};
use crate::occasional::service::Channel;

#[test]
fn ten_employees_are_allowed_and_anything_more_is_refused() {
    let rules = rules();
    assert_eq!(
        presto_eligibility(&business("56.10.11", "10"), &rules),
        Ok(())
    );
    let refusal = presto_eligibility(&business("56.10.11", "10.01"), &rules).unwrap_err();
    assert_eq!(
        refusal,
        PrestoRefusal::TooManyEmployees {
            employees: dec("10.01"),
            max: dec("10")
        }
    );
    assert_eq!(refusal.rule(), "presto_employee_threshold");
}

#[test]
fn the_listed_sectors_allow_up_to_25_employees() {
    let rules = rules();
    assert_eq!(
        presto_eligibility(&business("82.30.00", "25"), &rules),
        Ok(())
    );
    assert_eq!(
        presto_eligibility(&business("96.04.20", "11"), &rules),
        Ok(())
    );
    let refusal = presto_eligibility(&business("93.21.01", "25.5"), &rules).unwrap_err();
    assert_eq!(refusal.rule(), "presto_listed_sector_employee_threshold");
    assert!(refusal.to_string().contains("25"), "{refusal}");
}

#[test]
fn banned_sectors_are_refused_whatever_the_size() {
    let rules = rules();
    for code in [
        "41.20.00", "43.21.01", "01.11.10", "08.11.00", "23.70.10", "05.10.00",
    ] {
        let refusal = presto_eligibility(&business(code, "0"), &rules).unwrap_err();
        assert!(
            matches!(refusal, PrestoRefusal::BannedSector { .. }),
            "{code}"
        );
        assert_eq!(refusal.rule(), "presto_banned_sector");
    }
    assert_eq!(
        presto_eligibility(&business("93.29.10", "3"), &rules),
        Ok(()),
        "discos since 2023"
    );
}

#[test]
fn the_client_limit_depends_on_the_sector() {
    let rules = rules();
    assert_eq!(household().annual_limit(&rules), eur("10000"));
    assert_eq!(household().channel(), Channel::LibrettoFamiglia);
    let fair = Client::Business(business("82.30.00", "3"));
    assert_eq!(fair.annual_limit(&rules), eur("15000"));
    assert_eq!(fair.channel(), Channel::Presto);
    assert_eq!(
        Client::Business(business("56.10.11", "3")).annual_limit(&rules),
        eur("10000")
    );
}

#[test]
fn a_business_has_a_representative_and_no_negative_staff() {
    let shop = business("56.10.11", "2.5");
    assert!(shop.is_represented_by(&person("BNCLRA80A41F205")));
    assert!(!shop.is_represented_by(&person("VRDGPP70A01H501")));
    assert_eq!(
        Business::new(
            shop.tax_code.clone(),
            shop.legal_representative.clone(),
            shop.ateco.clone(),
            dec("-1")
        ),
        Err(BusinessError::NegativeEmployees)
    );
}
