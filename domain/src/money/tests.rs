//! Tests for money: construction rules, rounding, the JSON shape and arithmetic properties.

use std::str::FromStr;

use proptest::prelude::*;
use serde_json::json;

use super::*;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn eur(text: &str) -> Money {
    Money::eur(dec(text)).unwrap()
}

#[test]
fn construction() {
    assert_eq!(eur("123.45").cents(), 12_345);
    assert_eq!(eur("123.4").cents(), 12_340);
    assert_eq!(eur("7").cents(), 700);
    assert_eq!(
        eur("1.230").cents(),
        123,
        "trailing zeros are not extra precision"
    );
    assert_eq!(eur("-0.00"), Money::zero());
    assert!(Money::zero().is_zero());
    assert_eq!(Money::eur(dec("-0.01")), Err(MoneyError::Negative));
    assert_eq!(Money::eur(dec("1.234")), Err(MoneyError::TooManyDecimals));
    assert_eq!(Money::eur(dec("10000000000000")), Err(MoneyError::Overflow));
    assert_eq!(eur("9999999999999.99").cents(), MAX_CENTS);
    assert_eq!(Money::from_cents(-1), Err(MoneyError::Negative));
    assert_eq!(Money::from_cents(MAX_CENTS + 1), Err(MoneyError::Overflow));
    assert_eq!(eur("0.5").amount().to_string(), "0.50");
    assert_eq!(eur("0.5").currency(), Currency::Eur);
}

#[test]
fn display() {
    assert_eq!(eur("123.45").to_string(), "123.45 EUR");
    assert_eq!(Money::zero().to_string(), "0.00 EUR");
    assert_eq!(eur("5").to_string(), "5.00 EUR");
}

#[test]
fn arithmetic() {
    assert_eq!(eur("1.10").checked_add(eur("2.95")), Ok(eur("4.05")));
    assert_eq!(eur("4.05").checked_sub(eur("2.95")), Ok(eur("1.10")));
    assert_eq!(eur("1").checked_sub(eur("1.01")), Err(MoneyError::Negative));
    let max = Money::from_cents(MAX_CENTS).unwrap();
    assert_eq!(max.checked_add(eur("0.01")), Err(MoneyError::Overflow));
}

#[test]
fn rates_round_half_away_from_zero() {
    assert_eq!(eur("100").mul_rate(dec("0.015")), Ok(eur("1.50")));
    assert_eq!(eur("0.05").mul_rate(dec("0.5")), Ok(eur("0.03")));
    assert_eq!(eur("0.01").mul_rate(dec("0.5")), Ok(eur("0.01")));
    assert_eq!(eur("0.01").mul_rate(dec("0.49")), Ok(Money::zero()));
    assert_eq!(eur("10").mul_rate(dec("0.33333")), Ok(eur("3.33")));
    assert_eq!(eur("10").mul_rate(dec("-0.1")), Err(MoneyError::Negative));
    let max = Money::from_cents(MAX_CENTS).unwrap();
    assert_eq!(max.mul_rate(dec("2")), Err(MoneyError::Overflow));
}

#[test]
fn parse_amount_follows_the_wire_syntax() {
    assert_eq!(Money::parse_amount("123.45"), Ok(eur("123.45")));
    assert_eq!(Money::parse_amount("0.5"), Ok(eur("0.50")));
    assert_eq!(Money::parse_amount("007"), Ok(eur("7")));
    for bad in [
        "", ".5", "1.", "1,50", "-1", "+1", " 1", "1e3", "1.2.3", "١",
    ] {
        assert_eq!(
            Money::parse_amount(bad),
            Err(MoneyError::InvalidAmount),
            "{bad:?}"
        );
    }
    assert_eq!(
        Money::parse_amount("1.234"),
        Err(MoneyError::TooManyDecimals)
    );
    assert_eq!(
        Money::parse_amount("12345678901234"),
        Err(MoneyError::Overflow)
    );
}

#[test]
fn serializes_amount_as_a_two_decimal_string() {
    assert_eq!(
        serde_json::to_value(eur("123.4")).unwrap(),
        json!({"amount": "123.40", "currency": "EUR"})
    );
    assert_eq!(
        serde_json::to_value(Money::zero()).unwrap(),
        json!({"amount": "0.00", "currency": "EUR"})
    );
    assert_eq!(serde_json::to_value(Currency::Eur).unwrap(), json!("EUR"));
}

#[test]
fn deserializes_only_the_documented_shape() {
    let ok: Money = serde_json::from_value(json!({"amount": "123.4", "currency": "EUR"})).unwrap();
    assert_eq!(ok, eur("123.40"));
    for bad in [
        json!({"amount": 123.4, "currency": "EUR"}),
        json!({"amount": "123.456", "currency": "EUR"}),
        json!({"amount": "-1", "currency": "EUR"}),
        json!({"amount": "1", "currency": "USD"}),
        json!({"amount": "1", "currency": "eur"}),
        json!({"amount": "1"}),
        json!({"amount": "1", "currency": "EUR", "extra": 1}),
        json!("1.00"),
    ] {
        assert!(
            serde_json::from_value::<Money>(bad.clone()).is_err(),
            "{bad}"
        );
    }
    let err = serde_json::from_value::<Money>(json!({"amount": "1", "currency": "USD"}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("USD"), "{err}");
}

fn any_money() -> impl Strategy<Value = Money> {
    (0..=MAX_CENTS).prop_map(|cents| Money::from_cents(cents).unwrap())
}

proptest! {
    #[test]
    fn cents_round_trip(cents in 0..=MAX_CENTS) {
        let money = Money::from_cents(cents).unwrap();
        prop_assert_eq!(money.cents(), cents);
        prop_assert_eq!(Money::eur(money.amount()), Ok(money));
        let json = serde_json::to_string(&money).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), money);
    }

    #[test]
    fn adding_then_subtracting_gives_back_the_original(a in any_money(), b in any_money()) {
        match a.checked_add(b) {
            Ok(sum) => prop_assert_eq!(sum.checked_sub(b), Ok(a)),
            Err(error) => {
                prop_assert_eq!(error, MoneyError::Overflow);
                prop_assert!(a.cents() + b.cents() > MAX_CENTS);
            }
        }
    }

    #[test]
    fn small_sums_never_overflow(a in 0..=MAX_CENTS / 2, b in 0..=MAX_CENTS / 2) {
        let (a, b) = (Money::from_cents(a).unwrap(), Money::from_cents(b).unwrap());
        prop_assert_eq!(a.checked_add(b).and_then(|sum| sum.checked_sub(b)), Ok(a));
    }
}
