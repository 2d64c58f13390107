//! Every check of a new service together, and the rules in force on the service's date.

use time::OffsetDateTime;
use time::macros::{date, datetime};

use super::*;
use crate::occasional::admission::{Facts, Refusal, admit};
use crate::occasional::limits::{LimitKind, PairHistory, YearTotals};
use crate::occasional::worker::{Alert, SelfDeclaration};

fn facts<'a>(
    client: &'a Client,
    worker: &'a TaxCode,
    declaration: &'a SelfDeclaration,
    recorded_at: OffsetDateTime,
) -> Facts<'a> {
    Facts {
        client,
        worker,
        declaration,
        history: PairHistory::default(),
        totals: YearTotals::ZERO,
        recorded_at,
    }
}

#[test]
fn a_libretto_service_is_admitted_with_its_amounts_and_late_flag() {
    let client = household();
    let worker = person("RSSMRA85T10A562");
    let declaration = SelfDeclaration::Other;
    let draft = libretto(date!(2026 - 01 - 20), 90);
    let on_time = admit(
        &draft,
        &facts(
            &client,
            &worker,
            &declaration,
            datetime!(2026-01-20 18:00 UTC),
        ),
        &book(),
    )
    .unwrap();
    assert_eq!(on_time.amounts.titles, Some(2));
    assert_eq!(on_time.usage.net, eur("16"));
    assert_eq!(on_time.limits.totals.pair, eur("16"));
    assert_eq!(on_time.late_report, None);
    assert_eq!(on_time.rules_effective_from, date!(2023 - 01 - 01));
    assert_eq!(
        on_time.revocable_until,
        Some(datetime!(2026-02-03 23:00 UTC))
    );
    let late = admit(
        &draft,
        &facts(
            &client,
            &worker,
            &declaration,
            datetime!(2026-02-05 09:00 UTC),
        ),
        &book(),
    )
    .unwrap();
    assert_eq!(late.late_report, Some(date!(2026 - 02 - 03)));
}

#[test]
fn a_presto_service_is_admitted_weighted_for_the_client() {
    let client = Client::Business(business("56.10.11", "4"));
    let worker = person("RSSMRA45D25F205");
    let declaration = SelfDeclaration::Pensioner {
        pension: crate::occasional::worker::PensionKind::OldAge,
    };
    let draft = presto(date!(2026 - 03 - 12), 240, "40");
    let admission = admit(
        &draft,
        &facts(
            &client,
            &worker,
            &declaration,
            datetime!(2026-03-11 10:00 UTC),
        ),
        &book(),
    )
    .unwrap();
    assert_eq!(admission.amounts.gross, eur("55"));
    assert_eq!(admission.usage.weighted, eur("30"));
    assert_eq!(admission.limits.totals.client, eur("30"));
    assert_eq!(admission.limits.totals.worker, eur("40"));
    assert_eq!(admission.limits.totals.presto_pair_minutes, 240);
    assert_eq!(
        admission.revocable_until,
        Some(datetime!(2026-03-15 23:00 UTC))
    );
}

#[test]
fn each_kind_of_refusal_names_its_rule() {
    let household = household();
    let shop = Client::Business(business("56.10.11", "4"));
    let builder = Client::Business(business("41.20.00", "4"));
    let worker = person("RSSMRA85T10A562");
    let other = SelfDeclaration::Other;
    let at = datetime!(2026-03-01 10:00 UTC);
    let day = date!(2026 - 03 - 12);
    let rule =
        |draft: &ServiceDraft, facts: &Facts<'_>| admit(draft, facts, &book()).unwrap_err().rule();

    assert_eq!(
        rule(
            &presto(day, 240, "36"),
            &facts(&household, &worker, &other, at)
        ),
        "client_channel"
    );
    assert_eq!(
        rule(&libretto(day, 60), &facts(&shop, &worker, &other, at)),
        "client_channel"
    );
    assert_eq!(
        rule(
            &presto(day, 240, "36"),
            &facts(&builder, &worker, &other, at)
        ),
        "presto_banned_sector"
    );
    assert_eq!(
        rule(
            &presto(day, 120, "35.99"),
            &facts(&shop, &worker, &other, at)
        ),
        "presto_daily_minimum"
    );
    let late = datetime!(2026-03-12 07:30 UTC);
    assert_eq!(
        rule(
            &presto(day, 240, "36"),
            &facts(&shop, &worker, &other, late)
        ),
        "presto_notice"
    );
    let full = Facts {
        totals: YearTotals {
            pair: eur("2490"),
            ..YearTotals::ZERO
        },
        ..facts(&shop, &worker, &other, at)
    };
    let refusal = admit(&presto(day, 240, "36"), &full, &book()).unwrap_err();
    assert_eq!(refusal.rule(), "pair_limit");
    let Refusal::Limits(breach) = refusal else {
        panic!("a limit refusal")
    };
    assert_eq!(breach.broken, [LimitKind::Pair]);
    assert_eq!(breach.residual.pair, eur("10"));
    assert_eq!(
        rule(
            &libretto(date!(2022 - 12 - 31), 60),
            &facts(&household, &worker, &other, at)
        ),
        "no_rules_in_force"
    );
}

#[test]
fn an_inconsistent_declaration_blocks_new_services_until_updated() {
    let client = household();
    let worker = person("RSSMRA01L15H501");
    let student = SelfDeclaration::student("Liceo Tasso").unwrap();
    let at = datetime!(2026-07-20 10:00 UTC);
    let before = admit(
        &libretto(date!(2026 - 07 - 14), 60),
        &facts(&client, &worker, &student, at),
        &book(),
    );
    assert!(before.is_ok());
    let refusal = admit(
        &libretto(date!(2026 - 07 - 15), 60),
        &facts(&client, &worker, &student, at),
        &book(),
    )
    .unwrap_err();
    assert_eq!(refusal.rule(), "declaration_pending");
    assert!(
        matches!(&refusal, Refusal::DeclarationPending(alerts) if matches!(alerts[..], [Alert::StudentNotUnder25 { age: 25, .. }]))
    );
    let updated = SelfDeclaration::Other;
    assert!(
        admit(
            &libretto(date!(2026 - 07 - 15), 60),
            &facts(&client, &worker, &updated, at),
            &book()
        )
        .is_ok()
    );
}

#[test]
fn a_service_is_judged_by_the_rules_in_force_on_its_date() {
    // A hypothetical law raising the worker limit to 6,000 EUR from 2027.
    let mut raised = rules();
    raised.effective_from = date!(2027 - 01 - 01);
    raised.limits.worker = eur("6000");
    let book = RuleBook::new(vec![rules(), raised]).unwrap();
    let client = household();
    let worker = person("RSSMRA85T10A562");
    let other = SelfDeclaration::Other;
    let used = Facts {
        totals: YearTotals {
            worker: eur("4992"),
            ..YearTotals::ZERO
        },
        ..facts(&client, &worker, &other, datetime!(2027-01-01 10:00 UTC))
    };
    let old = admit(&libretto(date!(2026 - 12 - 31), 120), &used, &book).unwrap_err();
    assert_eq!(old.rule(), "worker_limit");
    let new = admit(&libretto(date!(2027 - 01 - 01), 120), &used, &book).unwrap();
    assert_eq!(new.rules_effective_from, date!(2027 - 01 - 01));
    assert_eq!(new.limits.residual.worker, eur("992"));
}
