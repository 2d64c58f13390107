//! The refusals of the occasional-work rules as problems: each names its `rule`; a limit
//! refusal also lists every broken limit with the residual amounts.

use inps_domain::occasional::admission::Refusal as Refused;
use inps_domain::occasional::deadlines::RevocationError;
use inps_domain::occasional::limits::{LimitBreach, Residuals};
use inps_domain::occasional::wallet::WalletError;
use serde_json::json;

use crate::problems::Problem;
use crate::refusal::Refusal;

/// The residual amounts on the wire: money as `{amount, currency}`, PrestO time in minutes.
pub fn residual_json(residual: &Residuals) -> serde_json::Value {
    json!({
        "worker": residual.worker,
        "client": residual.client,
        "pair": residual.pair,
        "presto_pair_minutes": residual.presto_pair_minutes,
    })
}

fn limits(breach: &LimitBreach) -> Refusal {
    let broken: Vec<&str> = breach.broken.iter().map(|kind| kind.rule()).collect();
    let first = broken.first().copied().unwrap_or("limit");
    let mut refusal = Refusal::new(Problem::OccasionalLimitExceeded)
        .with_detail(
            format!("Limiti superati: {}.", broken.join(", ")),
            breach.to_string(),
        )
        .with_extension("rule", json!(first))
        .with_extension("broken", json!(broken))
        .with_extension("residual", residual_json(&breach.residual));
    if let Some(day) = breach.former_employment_until {
        refusal = refusal.with_extension("former_employment_until", json!(day.to_string()));
    }
    refusal
}

/// The problem `problem` naming `rule`, with the domain's explanation.
pub fn rule(problem: Problem, rule: &str, text: String) -> Refusal {
    Refusal::new(problem)
        .with_detail(format!("Regola «{rule}»: {text}"), text)
        .with_extension("rule", json!(rule))
}

/// The problem of a refused service.
pub fn admission(refused: &Refused) -> Refusal {
    match refused {
        Refused::Limits(breach) => limits(breach),
        Refused::Presto(_) => rule(
            Problem::PrestoNotAllowed,
            refused.rule(),
            refused.to_string(),
        ),
        _ => rule(
            Problem::OccasionalRuleBroken,
            refused.rule(),
            refused.to_string(),
        ),
    }
}

/// The problem of a wallet that cannot commit the service.
pub fn funds(error: &WalletError) -> Refusal {
    let refusal = Refusal::new(Problem::InsufficientFunds)
        .with_detail(format!("Fondi insufficienti: {error}"), error.to_string());
    match error {
        WalletError::InsufficientFunds { needed, available } => refusal
            .with_extension("needed", json!(needed))
            .with_extension("available", json!(available)),
        _ => refusal,
    }
}

/// The problem of a refused revocation.
pub fn revocation(error: &RevocationError) -> Refusal {
    match error {
        RevocationError::WindowClosed { deadline } => rule(
            Problem::OccasionalRuleBroken,
            error.rule(),
            error.to_string(),
        )
        .with_extension(
            "revocable_until",
            json!(
                deadline
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            ),
        ),
        RevocationError::NotOpen(_) => Refusal::new(Problem::StateConflict)
            .with_detail(format!("Revoca non possibile: {error}"), error.to_string()),
    }
}
