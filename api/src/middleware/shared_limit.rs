//! Rate-limit counters shared by every replica through Redis (`REDIS_URL`): one atomic round
//! trip per request (`INCR` and `EXPIRE` of the caller's fixed-window key in a `MULTI`). When
//! Redis cannot answer in time, the caller falls back on the replica's own counters and says so
//! in the log (see [`super::rate_limit`]).

use std::time::Duration;

use redis::aio::ConnectionManager;
use tokio::sync::OnceCell;

use super::rate_limit::Decision;

/// Counters in Redis, one key per caller and window.
pub struct SharedCounter {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    prefix: String,
    /// How long one round trip may take before the local counters decide.
    budget: Duration,
}

impl std::fmt::Debug for SharedCounter {
    // The URL may carry a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCounter")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl SharedCounter {
    /// Counters at `url` (not contacted yet), their keys starting with `prefix`; a round trip
    /// slower than `budget` leaves the decision to the local counters.
    pub fn new(url: &str, prefix: &str, budget: Duration) -> redis::RedisResult<Self> {
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: OnceCell::new(),
            prefix: prefix.to_owned(),
            budget,
        })
    }

    async fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        self.connection
            .get_or_try_init(|| ConnectionManager::new(self.client.clone()))
            .await
            .cloned()
    }

    /// Counts one request of `key` at `unix_secs` against `limit` per `window`.
    pub async fn count(
        &self,
        key: &str,
        limit: u32,
        window: Duration,
        unix_secs: u64,
    ) -> Result<Decision, String> {
        let round_trip = async {
            let window_secs = window.as_secs().max(1);
            let index = unix_secs / window_secs;
            let redis_key = format!("{}rl:{key}:{index}", self.prefix);
            let mut conn = self.connection().await?;
            let (count,): (u64,) = redis::pipe()
                .atomic()
                .incr(&redis_key, 1u64)
                .expire(
                    &redis_key,
                    i64::try_from(window_secs * 2).unwrap_or(i64::MAX),
                )
                .ignore()
                .query_async(&mut conn)
                .await?;
            let used = u32::try_from(count).unwrap_or(u32::MAX);
            Ok::<_, redis::RedisError>(Decision {
                allowed: used <= limit,
                limit,
                remaining: limit.saturating_sub(used),
                reset_secs: (window_secs - unix_secs % window_secs).max(1),
            })
        };
        match tokio::time::timeout(self.budget, round_trip).await {
            Ok(Ok(decision)) => Ok(decision),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {:?}", self.budget)),
        }
    }
}
