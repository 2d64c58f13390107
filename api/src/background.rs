//! Periodic background work inside `serve` (the audit sealer, the notification worker): a named
//! thread that runs one pass over a pooled connection, then waits `interval`, until stopped.
//! A pass that fails is logged and tried again after `interval`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use diesel::PgConnection;
use inps_persistence::PgPool;

/// A periodic task running on its own thread; dropping the handle does not stop it,
/// [`Self::stop`] does.
#[derive(Debug)]
pub struct Periodic {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Periodic {
    /// Starts `pass` on a thread called `name`, every `interval`, each time with a connection of
    /// `pool`; a failed pass (or checkout) is logged as `what` and retried after `interval`.
    pub fn spawn(
        name: &str,
        what: &'static str,
        pool: PgPool,
        interval: Duration,
        mut pass: impl FnMut(&mut PgConnection) -> Result<(), String> + Send + 'static,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                while !stopping.load(Ordering::Relaxed) {
                    let outcome = pool
                        .get()
                        .map_err(|e| e.to_string())
                        .and_then(|mut conn| pass(&mut conn));
                    if let Err(error) = outcome {
                        tracing::warn!(%error, "{what} failed; retrying");
                    }
                    std::thread::sleep(interval);
                }
            })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    /// Asks the task to stop and waits for its current pass to end.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
