//! Shared application state, built once and cloned (cheaply) into every worker.

use std::sync::Arc;

use inps_persistence::PgPool;

use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::middleware::rate_limit::RateLimiter;
use crate::notifications::webhooks::use_cases::HostResolver;
use crate::settings::Settings;
use crate::trust::IdentityTrust;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Validated settings.
    pub settings: Arc<Settings>,
    /// The database pool.
    pub pool: PgPool,
    /// The source of "now".
    pub clock: Arc<dyn Clock>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Rate-limit counters, shared by all workers.
    pub rate_limiter: Arc<RateLimiter>,
    /// Which identity assertions are trusted.
    pub identity: Arc<IdentityTrust>,
    /// How webhook hosts are resolved when a subscription is created (tests put their own).
    pub resolver: HostResolver,
}

impl AppState {
    /// Builds the state: the pool (not yet connected), metrics and limiter.
    pub fn new(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let pool = inps_persistence::build_pool(
            &settings.database_url,
            &inps_persistence::PoolSettings {
                max_size: settings.db_pool_max_size,
                connection_timeout: settings.db_connect_timeout,
                statement_timeout: settings.db_statement_timeout,
            },
        );
        let mut rate_limiter =
            RateLimiter::new(settings.rate_limit_requests, settings.rate_limit_window);
        if let Some(url) = &settings.redis_url {
            rate_limiter = rate_limiter.with_shared(
                crate::middleware::shared_limit::SharedCounter::new(
                    url,
                    &settings.redis_key_prefix,
                    settings.redis_timeout,
                )
                .map_err(|e| anyhow::anyhow!("REDIS_URL: {e}"))?,
            );
        }
        let rate_limiter = Arc::new(rate_limiter);
        let identity = Arc::new(IdentityTrust::from_settings(&settings)?);
        Ok(Self {
            identity,
            settings: Arc::new(settings),
            pool,
            clock,
            metrics: Metrics::new()?,
            rate_limiter,
            resolver: HostResolver::system(),
        })
    }
}
