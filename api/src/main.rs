//! The `inps-api` command: `serve` (default), `migrate`, `export-openapi [--check]`, the
//! administration commands, `import employments` and `seed-demo`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use diesel::{Connection, PgConnection};
use inps_api::settings::Settings;
use inps_api::{clock::SystemClock, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "inps-api",
    version,
    about = "INPS domestic-work and occasional-work API"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database if missing, apply migrations and serve HTTP (the default).
    Serve,
    /// Create the database if missing and apply pending migrations.
    Migrate,
    /// Print an identity assertion signed by the sandbox identity provider (sandbox only).
    SandboxAssertion {
        /// Codice fiscale of the person.
        #[arg(long)]
        tax_code: String,
        /// Assurance level: L1 (refused at login, for tests), L2 or L3.
        #[arg(long, default_value = "L2")]
        level: String,
        /// Identity scheme: spid, cie, cns or eidas.
        #[arg(long, default_value = "spid")]
        idp: String,
        /// Given name.
        #[arg(long, default_value = "Sandbox")]
        given_name: String,
        /// Family name.
        #[arg(long, default_value = "User")]
        family_name: String,
    },
    /// Grant a role (employer, worker, client, intermediary, operator) to a person.
    GrantRole {
        /// Codice fiscale of the person.
        #[arg(long)]
        tax_code: String,
        /// The role.
        #[arg(long)]
        role: String,
        /// Revoke the role instead.
        #[arg(long)]
        revoke: bool,
    },
    /// Register a qualified intermediary (circ. INPS 49/2011).
    RegisterIntermediary {
        /// Codice fiscale of the professional or body.
        #[arg(long)]
        tax_code: String,
        /// Given name (or name of the body).
        #[arg(long)]
        given_name: String,
        /// Family name (or legal form).
        #[arg(long)]
        family_name: String,
        /// labour_consultant, accountant, patronato, caf or trade_association.
        #[arg(long)]
        qualification: String,
        /// Number in the professional register.
        #[arg(long)]
        registration_number: Option<String>,
    },
    /// Import data in bulk (all or nothing).
    Import {
        /// What to import.
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Create a demo dataset and print the personas with sandbox assertions (sandbox only).
    SeedDemo,
    /// Run the accountability-log sealer alone (for deployments with `AUDIT_SEALER=off`);
    /// several can run at once, one seals at a time. With `--once`, seal what is pending and exit.
    Sealer {
        /// Seal what is pending, print how many, and exit.
        #[arg(long)]
        once: bool,
    },
    /// Run the notification delivery worker alone (for deployments with
    /// `NOTIFICATION_WORKER=off`); several can run at once, each delivery is sent by one. With
    /// `--once`, deliver what is due, print what happened, and exit. Also `inps-api worker`.
    #[command(visible_alias = "worker")]
    NotificationWorker {
        /// Deliver what is due, print the counts, and exit.
        #[arg(long)]
        once: bool,
    },
    /// Write the OpenAPI contract generated from the code.
    ExportOpenapi {
        /// Where to write it.
        #[arg(long, default_value = "openapi/openapi.json")]
        path: PathBuf,
        /// Do not write: fail when the file differs from the generated contract.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Employments from a CSV file (see docs/examples/employments.csv), in one transaction.
    Employments {
        /// The CSV file, with a header row.
        #[arg(long)]
        file: PathBuf,
    },
    /// pagoPA contribution payments from a CSV file (see
    /// docs/examples/contribution-payments.csv), in one transaction.
    ContributionPayments {
        /// The CSV file, with a header row.
        #[arg(long)]
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::ExportOpenapi { path, check } => export_openapi(&path, check),
        Command::Migrate => load_settings().and_then(|s| inps_api::server::migrate(&s)),
        Command::Serve => load_settings().and_then(inps_api::server::serve),
        Command::SandboxAssertion {
            tax_code,
            level,
            idp,
            given_name,
            family_name,
        } => load_settings().and_then(|s| {
            let assertion = inps_api::cli::sandbox_assertion(
                &s,
                &inps_api::cli::SandboxAssertionArgs {
                    tax_code,
                    level,
                    idp,
                    given_name,
                    family_name,
                },
                time::OffsetDateTime::now_utc(),
            )?;
            print_line(&assertion)
        }),
        Command::GrantRole {
            tax_code,
            role,
            revoke,
        } => load_settings().and_then(|s| {
            let roles = inps_api::cli::grant_role(
                &s,
                &tax_code,
                &role,
                revoke,
                time::OffsetDateTime::now_utc(),
            )?;
            print_line(&format!("{tax_code}: {}", roles.join(", ")))
        }),
        Command::Import {
            what: ImportCommand::Employments { file },
        } => load_settings().and_then(|s| {
            let codes =
                inps_api::import::import_employments(&s, &file, time::OffsetDateTime::now_utc())?;
            print_line(&format!("imported {} employments", codes.len()))?;
            codes.iter().try_for_each(|code| print_line(code))
        }),
        Command::Import {
            what: ImportCommand::ContributionPayments { file },
        } => load_settings().and_then(|s| {
            let count =
                inps_api::import::import_payments(&s, &file, time::OffsetDateTime::now_utc())?;
            print_line(&format!("imported {count} contribution payments"))
        }),
        Command::Sealer { once } => load_settings().and_then(|s| run_sealer(&s, once)),
        Command::NotificationWorker { once } => {
            load_settings().and_then(|s| run_notification_worker(&s, once))
        }
        Command::SeedDemo => load_settings().and_then(|s| {
            let report = inps_api::demo::seed_demo(&s, time::OffsetDateTime::now_utc())?;
            print_line(report.render().trim_end())
        }),
        Command::RegisterIntermediary {
            tax_code,
            given_name,
            family_name,
            qualification,
            registration_number,
        } => load_settings().and_then(|s| {
            let input = inps_api::delegations::intermediaries::NewIntermediary {
                tax_code: tax_code.clone(),
                given_name,
                family_name,
                qualification: inps_api::cli::qualification(&qualification)?.into(),
                registration_number,
            };
            inps_api::cli::register_intermediary(
                &s,
                &tax_code,
                &input,
                time::OffsetDateTime::now_utc(),
            )?;
            print_line(&format!("{tax_code}: registered"))
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("inps-api: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn print_line(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    writeln!(std::io::stdout(), "{text}")?;
    Ok(())
}

fn load_settings() -> anyhow::Result<Settings> {
    let settings = Settings::from_env()?;
    telemetry::init(&settings)?;
    Ok(settings)
}

fn export_openapi(path: &PathBuf, check: bool) -> anyhow::Result<()> {
    let generated = serde_json::to_string_pretty(&inps_api::contract())? + "\n";
    if check {
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current != generated {
            anyhow::bail!(
                "{} is out of date with the code: run `cargo run -p inps-api -- export-openapi` and commit it",
                path.display()
            );
        }
        return Ok(());
    }
    std::fs::write(path, generated).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn run_sealer(settings: &Settings, once: bool) -> anyhow::Result<()> {
    inps_api::server::migrate(settings)?;
    let mut conn =
        PgConnection::establish(&settings.database_url).context("connecting to DATABASE_URL")?;
    loop {
        let sealed =
            inps_api::sealer::seal_pending(&mut conn, settings.audit_seal_batch, &SystemClock)?;
        if once {
            let text = match sealed {
                inps_persistence::audit::Sealing::Busy => "another sealer is at work".to_owned(),
                inps_persistence::audit::Sealing::Sealed(n) => format!("sealed {n} events"),
            };
            return print_line(&text);
        }
        std::thread::sleep(settings.audit_seal_interval);
    }
}

fn run_notification_worker(settings: &Settings, once: bool) -> anyhow::Result<()> {
    use inps_api::notifications::worker::{BATCH, Senders, deliver_due};
    inps_api::server::migrate(settings)?;
    let senders = Senders::from_settings(settings)?;
    let mut conn =
        PgConnection::establish(&settings.database_url).context("connecting to DATABASE_URL")?;
    loop {
        let reminded = inps_api::notifications::reminders::run_due(&mut conn, &SystemClock, BATCH)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let run = deliver_due(&mut conn, &senders, &SystemClock, BATCH)?;
        let hooks = inps_api::notifications::webhooks::delivery::deliver_due(
            &mut conn,
            senders.webhooks(),
            &SystemClock,
            BATCH,
        )?;
        if once {
            return print_line(&format!(
                "reminders {reminded}, sent {}, retrying {}, failed {}, expired {} (channels: {}); \
                 webhooks sent {}, retrying {}, failed {}, expired {}",
                run.sent,
                run.retrying,
                run.failed,
                run.expired,
                senders.configured().join(", "),
                hooks.sent,
                hooks.retrying,
                hooks.failed,
                hooks.expired
            ));
        }
        std::thread::sleep(settings.notification_worker_interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_answers_to_both_names() {
        for name in ["notification-worker", "worker"] {
            let cli = Cli::try_parse_from(["inps-api", name, "--once"]).unwrap();
            assert!(
                matches!(
                    cli.command,
                    Some(Command::NotificationWorker { once: true })
                ),
                "{name}"
            );
        }
    }
}
