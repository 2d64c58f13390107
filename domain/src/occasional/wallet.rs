//! The client's wallet (portafoglio): funds paid in beforehand, committed by services, released
//! by revocations and spent by INPS payouts (c.19: INPS pays only up to the funds paid in;
//! DOMAIN.md 1.3, 1.5).
//!
//! `available = paid_in - committed` and no operation may make it negative: a service that needs
//! more than is available is refused, and nothing is released or paid out that was not
//! committed. The caller applies these checks under a row lock, so concurrent services cannot
//! overdraw.

use serde::Serialize;

use super::rules::RuleSet;
use super::service::Channel;
use crate::money::{Money, MoneyError};

/// The funds of a client; built by [`Wallet::new`] or from [`Wallet::EMPTY`], so never more
/// committed than paid in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Wallet {
    /// Settled fundings, minus what INPS paid out.
    paid_in: Money,
    /// Held for recorded services not yet paid.
    committed: Money,
}

/// Why a wallet operation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalletError {
    /// A funding of zero.
    #[error("a funding must be more than zero")]
    ZeroFunding,
    /// A Libretto Famiglia funding that is not a whole number of titles.
    #[error("Libretto Famiglia funds are paid in multiples of {title}")]
    NotMultipleOfTitle {
        /// The title value.
        title: Money,
    },
    /// Not enough available funds.
    #[error("the service needs {needed}, but only {available} is available")]
    InsufficientFunds {
        /// What the operation needs.
        needed: Money,
        /// What is available.
        available: Money,
    },
    /// Releasing or paying out more than is committed (a bug upstream, refused rather than
    /// absorbed).
    #[error("only {committed} is committed")]
    NotCommitted {
        /// What is committed.
        committed: Money,
    },
    /// An amount too large to represent.
    #[error("the amount is too large")]
    Overflow,
}

impl From<MoneyError> for WalletError {
    fn from(_: MoneyError) -> Self {
        Self::Overflow
    }
}

/// Whether `amount` may be paid into a wallet for `channel`: more than zero and, for the
/// Libretto Famiglia, a multiple of the title value (10 EUR, c.11; DOMAIN.md 1.3).
pub fn check_funding(amount: Money, channel: Channel, rules: &RuleSet) -> Result<(), WalletError> {
    if amount.is_zero() {
        return Err(WalletError::ZeroFunding);
    }
    let title = rules.title.gross;
    if channel == Channel::LibrettoFamiglia
        && !title.is_zero()
        && amount.cents() % title.cents() != 0
    {
        return Err(WalletError::NotMultipleOfTitle { title });
    }
    Ok(())
}

impl Wallet {
    /// An empty wallet.
    pub const EMPTY: Self = Self {
        paid_in: Money::zero(),
        committed: Money::zero(),
    };

    /// A wallet as stored; refused when more is committed than paid in.
    pub fn new(paid_in: Money, committed: Money) -> Result<Self, WalletError> {
        if committed > paid_in {
            return Err(WalletError::InsufficientFunds {
                needed: committed,
                available: paid_in,
            });
        }
        Ok(Self { paid_in, committed })
    }

    /// Settled fundings minus payouts.
    pub fn paid_in(&self) -> Money {
        self.paid_in
    }

    /// Held for services.
    pub fn committed(&self) -> Money {
        self.committed
    }

    /// What new services may still commit.
    pub fn available(&self) -> Money {
        self.paid_in
            .checked_sub(self.committed)
            .unwrap_or(Money::zero())
    }

    /// The wallet after a settled funding of `amount` (checked by [`check_funding`] when the
    /// payment notice was created).
    pub fn credit(self, amount: Money) -> Result<Self, WalletError> {
        Ok(Self {
            paid_in: self.paid_in.checked_add(amount)?,
            ..self
        })
    }

    /// The wallet after a service commits `amount` (its gross cost).
    pub fn commit(self, amount: Money) -> Result<Self, WalletError> {
        let available = self.available();
        if amount > available {
            return Err(WalletError::InsufficientFunds {
                needed: amount,
                available,
            });
        }
        Ok(Self {
            committed: self.committed.checked_add(amount)?,
            ..self
        })
    }

    /// The wallet after a revocation releases `amount`.
    pub fn release(self, amount: Money) -> Result<Self, WalletError> {
        Ok(Self {
            committed: self.uncommit(amount)?,
            ..self
        })
    }

    /// The wallet after a rectification changes a service's cost from `old` to `new`: the
    /// difference is committed or released.
    pub fn recommit(self, old: Money, new: Money) -> Result<Self, WalletError> {
        match new.checked_sub(old) {
            Ok(more) => self.commit(more),
            Err(_) => self.release(old.checked_sub(new)?),
        }
    }

    /// The wallet after INPS pays out a committed `amount`: it leaves both the committed and the
    /// paid-in funds.
    pub fn pay_out(self, amount: Money) -> Result<Self, WalletError> {
        Ok(Self {
            committed: self.uncommit(amount)?,
            paid_in: self.paid_in.checked_sub(amount)?,
        })
    }

    fn uncommit(&self, amount: Money) -> Result<Money, WalletError> {
        self.committed
            .checked_sub(amount)
            .map_err(|_| WalletError::NotCommitted {
                committed: self.committed,
            })
    }
}
