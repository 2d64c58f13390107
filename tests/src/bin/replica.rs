//! One API replica, as `inps-api serve` runs it, for the multi-replica tests: they start several
//! of these processes on one database (settings from the environment, as the server reads them).

fn main() -> std::process::ExitCode {
    let served = inps_api::settings::Settings::from_env()
        .map_err(anyhow::Error::from)
        .and_then(inps_api::server::serve);
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("replica: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
