//! The wallet: fundings in multiples of the title, commitments, and a balance never negative.

use proptest::prelude::*;

use super::*;
use crate::occasional::service::Channel;
use crate::occasional::wallet::{Wallet, WalletError, check_funding};

#[test]
fn libretto_fundings_are_multiples_of_10_euro() {
    let rules = rules();
    assert_eq!(
        check_funding(eur("10"), Channel::LibrettoFamiglia, &rules),
        Ok(())
    );
    assert_eq!(
        check_funding(eur("250"), Channel::LibrettoFamiglia, &rules),
        Ok(())
    );
    assert_eq!(
        check_funding(eur("15"), Channel::LibrettoFamiglia, &rules),
        Err(WalletError::NotMultipleOfTitle { title: eur("10") })
    );
    assert!(check_funding(eur("10.01"), Channel::LibrettoFamiglia, &rules).is_err());
    assert_eq!(check_funding(eur("15.37"), Channel::Presto, &rules), Ok(()));
    assert_eq!(
        check_funding(Money::zero(), Channel::Presto, &rules),
        Err(WalletError::ZeroFunding)
    );
}

#[test]
fn services_commit_what_is_available_and_revocations_release_it() {
    let wallet = Wallet::EMPTY.credit(eur("100")).unwrap();
    let wallet = wallet.commit(eur("60")).unwrap();
    assert_eq!(wallet.available(), eur("40"));
    assert_eq!(
        wallet.commit(eur("40.01")),
        Err(WalletError::InsufficientFunds {
            needed: eur("40.01"),
            available: eur("40")
        })
    );
    let full = wallet.commit(eur("40")).unwrap();
    assert_eq!(full.available(), Money::zero());
    let released = full.release(eur("60")).unwrap();
    assert_eq!(released.available(), eur("60"));
    assert_eq!(
        released.release(eur("40.01")),
        Err(WalletError::NotCommitted {
            committed: eur("40")
        })
    );
    let paid = released.pay_out(eur("40")).unwrap();
    assert_eq!(
        (paid.paid_in(), paid.committed()),
        (eur("60"), Money::zero())
    );
}

#[test]
fn a_rectification_commits_or_releases_the_difference() {
    let wallet = Wallet::new(eur("100"), eur("30")).unwrap();
    assert_eq!(
        wallet.recommit(eur("30"), eur("50")).unwrap().committed(),
        eur("50")
    );
    assert_eq!(
        wallet.recommit(eur("30"), eur("10")).unwrap().committed(),
        eur("10")
    );
    assert!(wallet.recommit(eur("30"), eur("100.01")).is_err());
    assert!(Wallet::new(eur("10"), eur("10.01")).is_err());
}

#[derive(Debug, Clone)]
enum Operation {
    Credit(i64),
    Commit(i64),
    Release(i64),
    PayOut(i64),
}

fn operation() -> impl Strategy<Value = Operation> {
    let cents = 1i64..=50_000;
    prop_oneof![
        cents.clone().prop_map(Operation::Credit),
        cents.clone().prop_map(Operation::Commit),
        cents.clone().prop_map(Operation::Release),
        cents.prop_map(Operation::PayOut),
    ]
}

proptest! {
    #[test]
    fn the_balance_never_goes_negative(operations in prop::collection::vec(operation(), 0..100)) {
        let mut wallet = Wallet::EMPTY;
        for operation in operations {
            let result = match operation {
                Operation::Credit(cents) => wallet.credit(Money::from_cents(cents).unwrap()),
                Operation::Commit(cents) => wallet.commit(Money::from_cents(cents).unwrap()),
                Operation::Release(cents) => wallet.release(Money::from_cents(cents).unwrap()),
                Operation::PayOut(cents) => wallet.pay_out(Money::from_cents(cents).unwrap()),
            };
            if let Ok(next) = result {
                wallet = next;
            }
            prop_assert!(wallet.committed() <= wallet.paid_in());
            prop_assert_eq!(
                wallet.available().cents(),
                wallet.paid_in().cents() - wallet.committed().cents()
            );
        }
    }
}
