//! Prestazioni occasionali (art. 54-bis D.L. 24/4/2017 n. 50, conv. L. 96/2017): the pure rules of
//! Libretto Famiglia and PrestO.
//!
//! A **worker** (prestatore) self-declares a category and chooses how INPS pays them; a
//! **client** (utilizzatore) is a natural person using the Libretto Famiglia, or a business acting
//! through its legal representative using PrestO (contratto di prestazione occasionale). A
//! **service** (prestazione) is one day of work of one worker for one client; it is admitted only
//! within the annual limits of the worker, the client and the pair, and it changes by
//! rectification (a new version), revocation, duplication, weekly recurrence and disputes. The
//! client pays in funds beforehand into a **wallet** that services commit.
//!
//! Every number of the law (limits, title values, minimum pay, contribution rates, employee
//! thresholds and sector lists) is data in a dated [`rules::RuleSet`], chosen by the date of the
//! service from a [`rules::RuleBook`]: a new law is a new rule set, not a code change.
//! [`rules::RuleSet::law_2023`] holds the values in force today, with their sources
//! (`DOMAIN.md` section 1).
//!
//! Nothing here reads the clock or stores anything: facts (totals already used, the instant a
//! declaration is made) come in as parameters, decisions come out.
//!
//! | module | holds |
//! |---|---|
//! | [`rules`] | the dated rule sets and the ATECO codes of the sector lists |
//! | [`worker`] | self-declaration categories, their formal checks, payment methods |
//! | [`client`] | natural persons and businesses, PrestO eligibility |
//! | [`service`] | the two channels, activities, amounts, status |
//! | [`deadlines`] | the PrestO notice, the Libretto Famiglia report, the revocation window |
//! | [`limits`] | the annual limits, with the 75 % weighting and the 80 % / 95 % warnings |
//! | [`admission`] | every check of a new service in one decision |
//! | [`changes`] | rectification, duplication and weekly recurring services |
//! | [`recurring`] | the days, generation window and reminders of weekly recurring rules |
//! | [`dispute`] | the worker's requests for clarification and their states |
//! | [`payment`] | INPS payouts: the monthly run, payment states, the dashboards' sums |
//! | [`wallet`] | the client's funds: fundings, commitments, releases |

pub mod admission;
pub mod changes;
pub mod client;
pub mod deadlines;
pub mod dispute;
pub mod limits;
pub mod payment;
pub mod recurring;
pub mod rules;
pub mod service;
pub mod wallet;
pub mod worker;

#[cfg(test)]
mod tests;
