//! Administration from the command line: the sandbox identity provider, role grants and the
//! intermediary registry. Each command runs the same use case as the HTTP endpoint, in one
//! transaction, recorded in the accountability log with the actor `cli`. Time is a parameter.

use diesel::{Connection as _, PgConnection};
use inps_domain::identity::{AssuranceLevel, IdentityProvider, IntermediaryQualification, Role};
use inps_domain::tax_code::{TaxCode, TaxCodeKind};

use crate::auth::Actor;
use crate::db;
use crate::delegations::intermediaries::NewIntermediary;
use crate::delegations::intermediaries::use_cases::{
    SetRole, register_intermediary as register, set_role,
};
use crate::error::{ApiError, Lang};
use crate::identity::sandbox::SandboxAssertionRequest;
use crate::identity::sandbox_assertions::use_cases::sign_sandbox_assertion;
use crate::settings::Settings;
use crate::trust::IdentityTrust;

/// An error of a use case as a command-line message (English title and detail).
pub(crate) fn api_error(e: ApiError) -> anyhow::Error {
    let problem = e.to_problem(Lang::En, "cli");
    match problem.detail {
        Some(detail) => anyhow::anyhow!("{}: {detail}", problem.title),
        None => anyhow::anyhow!("{}", problem.title),
    }
}

/// Creates the database if missing, connects and applies pending migrations.
pub(crate) fn connect(settings: &Settings) -> anyhow::Result<PgConnection> {
    inps_persistence::ensure_database_exists(&settings.database_url)?;
    let mut conn = PgConnection::establish(&settings.database_url)?;
    inps_persistence::run_migrations(&mut conn)?;
    Ok(conn)
}

fn parse<T: std::str::FromStr>(what: &str, value: &str) -> anyhow::Result<T> {
    value
        .trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| anyhow::anyhow!("invalid {what}: {value:?}"))
}

fn tax_code(value: &str) -> anyhow::Result<TaxCode> {
    TaxCode::parse(value).map_err(|e| anyhow::anyhow!("invalid tax code {value:?}: {e}"))
}

/// Arguments of `sandbox-assertion`.
#[derive(Debug, Clone)]
pub struct SandboxAssertionArgs {
    /// Codice fiscale.
    pub tax_code: String,
    /// `L1`, `L2` or `L3`.
    pub level: String,
    /// `spid`, `cie`, `cns` or `eidas`.
    pub idp: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
}

/// Signs an assertion with the sandbox identity provider (sandbox mode only).
pub fn sandbox_assertion(
    settings: &Settings,
    args: &SandboxAssertionArgs,
    now: time::OffsetDateTime,
) -> anyhow::Result<String> {
    let trust = IdentityTrust::from_settings(settings)?;
    anyhow::ensure!(
        trust.sandbox_enabled(),
        "the sandbox identity provider exists only with APP_ENV=sandbox"
    );
    let mut conn = connect(settings)?;
    let tax_code = tax_code(&args.tax_code)?;
    anyhow::ensure!(
        tax_code.kind() == TaxCodeKind::Personal,
        "a person logs in with a 16-character tax code"
    );
    let request = SandboxAssertionRequest {
        tax_code,
        level: parse::<AssuranceLevel>("level", &args.level)?,
        idp: parse::<IdentityProvider>("identity provider", &args.idp)?,
        given_name: args.given_name.trim().to_owned(),
        family_name: args.family_name.trim().to_owned(),
    };
    let audience = &settings.identity_audience;
    sign_sandbox_assertion(&mut conn, &trust, audience, &request, now)
        .map_err(|e| api_error(e.into()))
}

/// Grants (or with `revoke`, revokes) a role; returns the roles now held. A person who never
/// logged in is created, so the first operator can be named before their first login.
pub fn grant_role(
    settings: &Settings,
    tax_code_text: &str,
    role: &str,
    revoke: bool,
    now: time::OffsetDateTime,
) -> anyhow::Result<Vec<String>> {
    let tax_code = tax_code(tax_code_text)?;
    let role = parse::<Role>("role", role)?;
    let mut conn = connect(settings)?;
    let cmd = SetRole {
        person: tax_code,
        role,
        grant: !revoke,
    };
    let roles = db::run_in_transaction(&mut conn, now, |conn| {
        inps_persistence::persons::ensure_exists(conn, cmd.person.as_str(), "-", "-", now)?;
        Ok(set_role(conn, &Actor::cli(), cmd, now)?)
    })
    .map_err(api_error)?;
    Ok(roles.iter().map(|r| r.as_str().to_owned()).collect())
}

/// Registers a qualified intermediary.
pub fn register_intermediary(
    settings: &Settings,
    tax_code_text: &str,
    input: &NewIntermediary,
    now: time::OffsetDateTime,
) -> anyhow::Result<()> {
    let tax_code = tax_code(tax_code_text)?;
    let mut conn = connect(settings)?;
    let cmd = input.command(tax_code);
    db::run_in_transaction(&mut conn, now, |conn| {
        Ok(register(conn, &Actor::cli(), cmd, now)?)
    })
    .map_err(api_error)?;
    Ok(())
}

/// Parses a qualification name (`labour_consultant`, `accountant`, `patronato`, `caf`,
/// `trade_association`).
pub fn qualification(value: &str) -> anyhow::Result<IntermediaryQualification> {
    parse("qualification", value)
}
