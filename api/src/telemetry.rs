//! Structured logging setup (tracing). JSON lines by default; never bodies, tokens or personal data.

use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, Settings};

/// Installs the global subscriber. Returns an error when `LOG_LEVEL` is not a valid filter.
pub fn init(settings: &Settings) -> Result<(), crate::settings::ConfigError> {
    let filter =
        EnvFilter::try_new(&settings.log_level).map_err(|e| crate::settings::ConfigError {
            variable: "LOG_LEVEL",
            message: format!("expected a tracing filter such as `info`: {e}"),
        })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match settings.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
    // A subscriber already installed (tests, embedding) is fine.
    drop(result);
    Ok(())
}
