//! Typed configuration read from environment variables, validated before anything binds.
//!
//! Each variable has a documented default (README "Configuration"). A bad value stops the program
//! with a message naming the variable; values of secret variables are never echoed.

use std::net::SocketAddr;
use std::time::Duration;

/// Where the server runs. Sandbox enables the test identity provider; production never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    /// Local runs, demos and CI (default).
    Sandbox,
    /// Real deployments.
    Production,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (default).
    Json,
    /// Human-readable lines for local work.
    Text,
}

/// All settings of the server.
#[derive(Clone)]
pub struct Settings {
    /// `DATABASE_URL`: PostgreSQL connection string.
    pub database_url: String,
    /// `BIND_ADDR`: socket address to listen on.
    pub bind_addr: SocketAddr,
    /// `APP_ENV`: `sandbox` or `production`.
    pub app_env: AppEnv,
    /// `LOG_FORMAT`: `json` or `text`.
    pub log_format: LogFormat,
    /// `LOG_LEVEL`: a tracing filter such as `info` or `info,inps_api=debug`.
    pub log_level: String,
    /// `DB_POOL_MAX_SIZE`: connections in the pool.
    pub db_pool_max_size: u32,
    /// `DB_CONNECT_TIMEOUT_MS`: how long a request waits for a pooled connection.
    pub db_connect_timeout: Duration,
    /// `DB_STATEMENT_TIMEOUT_MS`: `statement_timeout` of every connection.
    pub db_statement_timeout: Duration,
    /// `RATE_LIMIT_REQUESTS`: requests allowed per caller in one window.
    pub rate_limit_requests: u32,
    /// `RATE_LIMIT_WINDOW_SECONDS`: length of the rate-limit window.
    pub rate_limit_window: Duration,
    /// `MAX_JSON_BODY_BYTES`: largest JSON request body accepted.
    pub max_json_body_bytes: usize,
    /// `BODY_READ_TIMEOUT_SECONDS`: how long reading a whole request body may take (408 beyond).
    pub body_read_timeout: Duration,
    /// `METRICS_TOKEN` (secret, optional): when set, `GET /metrics` requires `Bearer <token>`.
    pub metrics_token: Option<String>,
    /// `SHUTDOWN_TIMEOUT_SECONDS`: grace period for in-flight requests on SIGTERM/SIGINT.
    pub shutdown_timeout: Duration,
    /// `HTTP_WORKERS`: actix worker threads (0 = one per core).
    pub http_workers: usize,
    /// `SESSION_IDLE_TIMEOUT_SECONDS`: a session unused this long expires.
    pub session_idle_timeout: time::Duration,
    /// `SESSION_ABSOLUTE_TIMEOUT_SECONDS`: a session ends this long after login, used or not.
    pub session_absolute_timeout: time::Duration,
    /// `APPOINTMENT_DRAFT_TTL_SECONDS`: how long an appointment draft stays confirmable (24 h).
    pub appointment_draft_ttl: time::Duration,
    /// `IDENTITY_AUDIENCE`: the `aud` identity assertions must carry.
    pub identity_audience: String,
    /// `IDENTITY_JWKS_FILE`: the trusted assertion keys (JWKS); required in production.
    pub identity_jwks_file: Option<std::path::PathBuf>,
    /// `IDENTITY_ISSUER`: the `iss` of assertions signed by the JWKS keys.
    pub identity_issuer: String,
    /// `BOOTSTRAP_OPERATOR_TAX_CODE`: this person gets the operator role at login.
    pub bootstrap_operator: Option<String>,
    /// `PRIVACY_NOTICE_VERSION`: the privacy notice version people must accept.
    pub privacy_notice_version: String,
    /// `TERMS_OF_USE_VERSION`: the terms of use version people must accept.
    pub terms_of_use_version: String,
    /// `REDIS_URL` (optional, may carry a password): share rate-limit counters between replicas.
    pub redis_url: Option<String>,
    /// `REDIS_KEY_PREFIX`: the prefix of this deployment's keys in Redis.
    pub redis_key_prefix: String,
    /// `REDIS_TIMEOUT_MS`: how long a Redis round trip may take before this replica's own
    /// counters decide.
    pub redis_timeout: Duration,
    /// `AUDIT_SEALER`: whether `serve` runs the accountability-log sealer (`on`, the default)
    /// or leaves it to a separate `inps-api sealer` (`off`).
    pub audit_sealer_in_serve: bool,
    /// `AUDIT_SEAL_INTERVAL_MS`: how long the sealer waits when nothing is left to seal.
    pub audit_seal_interval: Duration,
    /// `AUDIT_SEAL_BATCH`: most events chained in one sealing transaction.
    pub audit_seal_batch: i64,
    /// `DELEGATION_CODE_SECRET` (secret; required in production): the key delegation
    /// verification codes are hashed under.
    pub delegation_code_secret: SecretKey,
    /// `NOTIFICATION_WORKER`: whether `serve` runs the notification delivery worker (`on`, the
    /// default) or leaves it to a separate `inps-api notification-worker` (`off`).
    pub notification_worker_in_serve: bool,
    /// `NOTIFICATION_WORKER_INTERVAL_MS`: how long the worker waits when nothing is due.
    pub notification_worker_interval: Duration,
    /// `NOTIFICATION_LINK_BASE`: what a message's link (a path under `/v1`) is joined to.
    pub notification_link_base: String,
    /// `SMTP_*` and `MAIL_FROM`: the e-mail relay (`None`: e-mail deliveries stay queued).
    pub smtp: Option<SmtpSettings>,
    /// `PEC_SMTP_*` and `PEC_FROM`: the PEC relay (`None`: PEC deliveries stay queued).
    pub pec_smtp: Option<SmtpSettings>,
    /// `SMS_GATEWAY_URL`: the HTTP gateway SMS are POSTed to (`None`: SMS stay queued).
    pub sms_gateway_url: Option<String>,
    /// `WEBHOOK_ALLOW_LOOPBACK`: webhooks may reach loopback addresses (a receiver on this
    /// machine; default on in the sandbox, refused in production).
    pub webhook_allow_loopback: bool,
    /// `CONTACT_CODE_RESEND_SECONDS`: the shortest time between two verification codes sent to
    /// one contact of a person (an earlier request is answered 429).
    pub contact_code_resend_interval: time::Duration,
    /// `WEBHOOK_SECRET_KEY` (secret; required in production): the key webhook signing secrets
    /// are sealed under at rest (see `crate::notifications::webhooks::secrets`).
    pub webhook_secret_key: SecretKey,
}

/// How an SMTP relay is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a relay on a trusted network, or a test).
    None,
    /// Upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

/// An SMTP relay: `<PREFIX>HOST`, `<PREFIX>PORT`, `<PREFIX>TLS`, `<PREFIX>USERNAME`,
/// `<PREFIX>PASSWORD` (secret) and the sender.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Security.
    pub tls: SmtpTls,
    /// Login, if the relay wants one.
    pub username: Option<String>,
    /// Password (never printed).
    pub password: Option<String>,
    /// The sender address.
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A secret key read from the environment: its bytes are never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    /// The key's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// The delegation-code key of sandbox runs without `DELEGATION_CODE_SECRET`: fixed, so codes
/// handed out survive a restart and the demo works across processes. Public, hence refused in
/// production.
pub const SANDBOX_DELEGATION_CODE_SECRET: &str =
    "inps-sandbox-delegation-code-secret-not-for-production";

/// The webhook-secret key of sandbox runs without `WEBHOOK_SECRET_KEY`: fixed, so sealed secrets
/// survive a restart. Public, hence refused in production.
pub const SANDBOX_WEBHOOK_SECRET_KEY: &str = "inps-sandbox-webhook-secret-key-not-for-production";

/// The shortest `DELEGATION_CODE_SECRET` accepted: 32 bytes (256 bits, the strength of
/// HMAC-SHA-256), out of reach of guessing.
pub const MIN_SECRET_BYTES: usize = 32;

impl std::fmt::Debug for Settings {
    // The database URL may carry a password and the metrics token is a secret: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind_addr", &self.bind_addr)
            .field("app_env", &self.app_env)
            .field("log_format", &self.log_format)
            .field("db_pool_max_size", &self.db_pool_max_size)
            .field("rate_limit_requests", &self.rate_limit_requests)
            .field("rate_limit_window", &self.rate_limit_window)
            .finish_non_exhaustive()
    }
}

/// A configuration variable that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {variable}: {message}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with it (never its value when the variable is secret).
    pub message: String,
}

/// Default of `DATABASE_URL`.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/inps";

struct Reader<F> {
    lookup: F,
}

impl<F: Fn(&str) -> Option<String>> Reader<F> {
    fn raw(&self, variable: &'static str) -> Option<String> {
        (self.lookup)(variable)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn smtp(
        &self,
        [host, port, tls, username, password, from]: [&'static str; 6],
    ) -> Result<Option<SmtpSettings>, ConfigError> {
        let Some(host) = self.raw(host) else {
            return Ok(None);
        };
        let tls = match self.string(tls, "starttls").as_str() {
            "none" => SmtpTls::None,
            "starttls" => SmtpTls::Starttls,
            "tls" => SmtpTls::Tls,
            other => {
                return Err(ConfigError {
                    variable: tls,
                    message: format!("expected none, starttls or tls, got {other:?}"),
                });
            }
        };
        let default_port = match tls {
            SmtpTls::None => 25,
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
        };
        let port = self.parsed(port, default_port, "a port 1..=65535", |p: &u16| *p > 0)?;
        let Some(from) = self
            .raw(from)
            .filter(|f| f.parse::<lettre::Address>().is_ok())
        else {
            return Err(ConfigError {
                variable: from,
                message: "an e-mail address is required to send with this relay".into(),
            });
        };
        Ok(Some(SmtpSettings {
            host,
            port,
            tls,
            username: self.raw(username),
            password: self.raw(password),
            from,
        }))
    }

    fn string(&self, variable: &'static str, default: &str) -> String {
        self.raw(variable).unwrap_or_else(|| default.to_owned())
    }

    fn parsed<T: std::str::FromStr>(
        &self,
        variable: &'static str,
        default: T,
        expected: &str,
        valid: impl Fn(&T) -> bool,
    ) -> Result<T, ConfigError> {
        let Some(raw) = self.raw(variable) else {
            return Ok(default);
        };
        raw.parse::<T>()
            .ok()
            .filter(|v| valid(v))
            .ok_or_else(|| ConfigError {
                variable,
                message: format!("expected {expected}, got {raw:?}"),
            })
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let r = Reader { lookup };
        let database_url = r.string("DATABASE_URL", DEFAULT_DATABASE_URL);
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(ConfigError {
                variable: "DATABASE_URL",
                message: "expected a postgres:// or postgresql:// URL".into(),
            });
        }
        let app_env = match r.string("APP_ENV", "sandbox").as_str() {
            "sandbox" => AppEnv::Sandbox,
            "production" => AppEnv::Production,
            other => {
                return Err(ConfigError {
                    variable: "APP_ENV",
                    message: format!("expected sandbox or production, got {other:?}"),
                });
            }
        };
        let log_format = match r.string("LOG_FORMAT", "json").as_str() {
            "json" => LogFormat::Json,
            "text" => LogFormat::Text,
            other => {
                return Err(ConfigError {
                    variable: "LOG_FORMAT",
                    message: format!("expected json or text, got {other:?}"),
                });
            }
        };
        let positive = |v: &u64| *v > 0;
        Ok(Self {
            database_url,
            bind_addr: r.parsed(
                "BIND_ADDR",
                SocketAddr::from(([127, 0, 0, 1], 8080)),
                "host:port such as 127.0.0.1:8080",
                |_| true,
            )?,
            app_env,
            log_format,
            log_level: r.string("LOG_LEVEL", "info"),
            db_pool_max_size: r.parsed("DB_POOL_MAX_SIZE", 10, "an integer 1..=200", |v| {
                (1..=200).contains(v)
            })?,
            db_connect_timeout: Duration::from_millis(r.parsed(
                "DB_CONNECT_TIMEOUT_MS",
                3_000,
                "a positive number of milliseconds",
                positive,
            )?),
            db_statement_timeout: Duration::from_millis(r.parsed(
                "DB_STATEMENT_TIMEOUT_MS",
                5_000,
                "a positive number of milliseconds",
                positive,
            )?),
            rate_limit_requests: r.parsed(
                "RATE_LIMIT_REQUESTS",
                600,
                "a positive integer",
                |v| *v > 0,
            )?,
            rate_limit_window: Duration::from_secs(r.parsed(
                "RATE_LIMIT_WINDOW_SECONDS",
                60,
                "a positive number of seconds",
                positive,
            )?),
            max_json_body_bytes: r.parsed(
                "MAX_JSON_BODY_BYTES",
                64 * 1024,
                "a positive number of bytes",
                |v| *v > 0,
            )?,
            body_read_timeout: Duration::from_secs(r.parsed(
                "BODY_READ_TIMEOUT_SECONDS",
                30,
                "a positive number of seconds",
                positive,
            )?),
            metrics_token: r.raw("METRICS_TOKEN"),
            shutdown_timeout: Duration::from_secs(r.parsed(
                "SHUTDOWN_TIMEOUT_SECONDS",
                30,
                "a number of seconds",
                |_| true,
            )?),
            http_workers: r.parsed("HTTP_WORKERS", 0, "a number of threads", |_| true)?,
            session_idle_timeout: time::Duration::seconds(r.parsed(
                "SESSION_IDLE_TIMEOUT_SECONDS",
                1800,
                "a positive number of seconds",
                |v: &i64| *v > 0,
            )?),
            session_absolute_timeout: time::Duration::seconds(r.parsed(
                "SESSION_ABSOLUTE_TIMEOUT_SECONDS",
                8 * 3600,
                "a positive number of seconds",
                |v: &i64| *v > 0,
            )?),
            appointment_draft_ttl: time::Duration::seconds(r.parsed(
                "APPOINTMENT_DRAFT_TTL_SECONDS",
                inps_domain::agenda::DEFAULT_DRAFT_TTL.whole_seconds(),
                "a positive number of seconds",
                |v: &i64| *v > 0,
            )?),
            redis_url: match r.raw("REDIS_URL") {
                None => None,
                Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
                    Some(url)
                }
                Some(_) => {
                    return Err(ConfigError {
                        variable: "REDIS_URL",
                        message: "expected a redis:// or rediss:// URL".into(),
                    });
                }
            },
            redis_key_prefix: r.string("REDIS_KEY_PREFIX", "inps:"),
            redis_timeout: Duration::from_millis(r.parsed(
                "REDIS_TIMEOUT_MS",
                250,
                "a positive number of milliseconds",
                positive,
            )?),
            audit_sealer_in_serve: match r.string("AUDIT_SEALER", "on").as_str() {
                "on" => true,
                "off" => false,
                other => {
                    return Err(ConfigError {
                        variable: "AUDIT_SEALER",
                        message: format!("expected on or off, got {other:?}"),
                    });
                }
            },
            audit_seal_interval: Duration::from_millis(r.parsed(
                "AUDIT_SEAL_INTERVAL_MS",
                200,
                "a positive number of milliseconds",
                positive,
            )?),
            audit_seal_batch: r.parsed(
                "AUDIT_SEAL_BATCH",
                1000,
                "an integer 1..=100000",
                |v: &i64| (1..=100_000).contains(v),
            )?,
            notification_worker_in_serve: match r.string("NOTIFICATION_WORKER", "on").as_str() {
                "on" => true,
                "off" => false,
                other => {
                    return Err(ConfigError {
                        variable: "NOTIFICATION_WORKER",
                        message: format!("expected on or off, got {other:?}"),
                    });
                }
            },
            notification_worker_interval: Duration::from_millis(r.parsed(
                "NOTIFICATION_WORKER_INTERVAL_MS",
                1000,
                "a positive number of milliseconds",
                positive,
            )?),
            notification_link_base: r.string("NOTIFICATION_LINK_BASE", "https://api.inps.example"),
            smtp: r.smtp([
                "SMTP_HOST",
                "SMTP_PORT",
                "SMTP_TLS",
                "SMTP_USERNAME",
                "SMTP_PASSWORD",
                "MAIL_FROM",
            ])?,
            pec_smtp: r.smtp([
                "PEC_SMTP_HOST",
                "PEC_SMTP_PORT",
                "PEC_SMTP_TLS",
                "PEC_SMTP_USERNAME",
                "PEC_SMTP_PASSWORD",
                "PEC_FROM",
            ])?,
            sms_gateway_url: match r.raw("SMS_GATEWAY_URL") {
                None => None,
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => Some(url),
                Some(_) => {
                    return Err(ConfigError {
                        variable: "SMS_GATEWAY_URL",
                        message: "expected an http:// or https:// URL".into(),
                    });
                }
            },
            webhook_allow_loopback: match (r.raw("WEBHOOK_ALLOW_LOOPBACK").as_deref(), app_env) {
                (None, AppEnv::Sandbox) | (Some("on"), AppEnv::Sandbox) => true,
                (None, AppEnv::Production) | (Some("off"), _) => false,
                (Some("on"), AppEnv::Production) => {
                    return Err(ConfigError {
                        variable: "WEBHOOK_ALLOW_LOOPBACK",
                        message: "refused in production: webhooks must not reach this machine"
                            .into(),
                    });
                }
                (Some(other), _) => {
                    return Err(ConfigError {
                        variable: "WEBHOOK_ALLOW_LOOPBACK",
                        message: format!("expected on or off, got {other:?}"),
                    });
                }
            },
            contact_code_resend_interval: time::Duration::seconds(r.parsed(
                "CONTACT_CODE_RESEND_SECONDS",
                60,
                "an integer 1..=3600 (seconds)",
                |v: &i64| (1..=3600).contains(v),
            )?),
            identity_audience: r.string("IDENTITY_AUDIENCE", "https://api.inps.example"),
            identity_jwks_file: match (r.raw("IDENTITY_JWKS_FILE"), app_env) {
                (Some(path), _) => Some(path.into()),
                (None, AppEnv::Production) => {
                    return Err(ConfigError {
                        variable: "IDENTITY_JWKS_FILE",
                        message: "required in production: nobody could log in without trusted keys"
                            .into(),
                    });
                }
                (None, AppEnv::Sandbox) => None,
            },
            identity_issuer: r.string("IDENTITY_ISSUER", "https://login.inps.example"),
            bootstrap_operator: match r.raw("BOOTSTRAP_OPERATOR_TAX_CODE") {
                None => None,
                Some(raw) => Some(
                    inps_domain::tax_code::TaxCode::parse(&raw)
                        .map_err(|e| ConfigError {
                            variable: "BOOTSTRAP_OPERATOR_TAX_CODE",
                            message: format!("not a valid tax code: {e}"),
                        })?
                        .as_str()
                        .to_owned(),
                ),
            },
            privacy_notice_version: r.string("PRIVACY_NOTICE_VERSION", "2026-01"),
            terms_of_use_version: r.string("TERMS_OF_USE_VERSION", "2026-01"),
            delegation_code_secret: match (r.raw("DELEGATION_CODE_SECRET"), app_env) {
                (Some(secret), _) if secret.len() >= MIN_SECRET_BYTES => {
                    SecretKey(secret.into_bytes())
                }
                (Some(_), _) => {
                    return Err(ConfigError {
                        variable: "DELEGATION_CODE_SECRET",
                        message: format!("must be at least {MIN_SECRET_BYTES} characters"),
                    });
                }
                (None, AppEnv::Production) => {
                    return Err(ConfigError {
                        variable: "DELEGATION_CODE_SECRET",
                        message: "required in production: without it a database dump lets \
                                  anyone recover the delegation codes"
                            .into(),
                    });
                }
                (None, AppEnv::Sandbox) => {
                    SecretKey(SANDBOX_DELEGATION_CODE_SECRET.as_bytes().to_vec())
                }
            },
            webhook_secret_key: match (r.raw("WEBHOOK_SECRET_KEY"), app_env) {
                (Some(key), _) if key.len() >= MIN_SECRET_BYTES => SecretKey(key.into_bytes()),
                (Some(_), _) => {
                    return Err(ConfigError {
                        variable: "WEBHOOK_SECRET_KEY",
                        message: format!("must be at least {MIN_SECRET_BYTES} characters"),
                    });
                }
                (None, AppEnv::Production) => {
                    return Err(ConfigError {
                        variable: "WEBHOOK_SECRET_KEY",
                        message: "required in production: without it a database dump lets \
                                  anyone sign webhooks as this service"
                            .into(),
                    });
                }
                (None, AppEnv::Sandbox) => {
                    SecretKey(SANDBOX_WEBHOOK_SECRET_KEY.as_bytes().to_vec())
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let s = read(&[]).unwrap();
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.bind_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.app_env, AppEnv::Sandbox);
        assert_eq!(s.log_format, LogFormat::Json);
        assert_eq!(s.body_read_timeout, Duration::from_secs(30));
        assert_eq!(s.contact_code_resend_interval, time::Duration::seconds(60));
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, value) in [
            ("BIND_ADDR", "nowhere"),
            ("APP_ENV", "staging"),
            ("LOG_FORMAT", "xml"),
            ("RATE_LIMIT_REQUESTS", "0"),
            ("DB_POOL_MAX_SIZE", "-1"),
            ("DATABASE_URL", "mysql://x/y"),
            ("SESSION_IDLE_TIMEOUT_SECONDS", "0"),
            ("BODY_READ_TIMEOUT_SECONDS", "0"),
            ("BODY_READ_TIMEOUT_SECONDS", "soon"),
            ("BOOTSTRAP_OPERATOR_TAX_CODE", "NOTACODE"),
            ("CONTACT_CODE_RESEND_SECONDS", "0"),
            ("CONTACT_CODE_RESEND_SECONDS", "3601"),
            ("CONTACT_CODE_RESEND_SECONDS", "soon"),
        ] {
            let err = read(&[(var, value)]).unwrap_err();
            assert_eq!(err.variable, var);
            assert!(err.to_string().contains(var));
        }
    }

    #[test]
    fn production_requires_trusted_keys() {
        let err = read(&[("APP_ENV", "production")]).unwrap_err();
        assert_eq!(err.variable, "IDENTITY_JWKS_FILE");
        let ok = read(&[
            ("APP_ENV", "production"),
            ("IDENTITY_JWKS_FILE", "/etc/inps/jwks.json"),
            ("DELEGATION_CODE_SECRET", &"k".repeat(MIN_SECRET_BYTES)),
            ("WEBHOOK_SECRET_KEY", &"w".repeat(MIN_SECRET_BYTES)),
        ]);
        assert!(ok.is_ok());
    }

    #[test]
    fn production_requires_a_webhook_secret_key_of_32_characters() {
        let jwks = ("IDENTITY_JWKS_FILE", "/etc/inps/jwks.json");
        let code = ("DELEGATION_CODE_SECRET", "0123456789abcdef0123456789abcdef");
        let err = read(&[("APP_ENV", "production"), jwks, code]).unwrap_err();
        assert_eq!(err.variable, "WEBHOOK_SECRET_KEY");
        let short = "w".repeat(MIN_SECRET_BYTES - 1);
        let err = read(&[("WEBHOOK_SECRET_KEY", &short)]).unwrap_err();
        assert_eq!(err.variable, "WEBHOOK_SECRET_KEY");
        assert!(!err.to_string().contains(&short));
        let sandbox = read(&[]).unwrap();
        assert_eq!(
            sandbox.webhook_secret_key.bytes(),
            SANDBOX_WEBHOOK_SECRET_KEY.as_bytes()
        );
        assert!(!format!("{sandbox:?}").contains(SANDBOX_WEBHOOK_SECRET_KEY));
    }

    #[test]
    fn production_requires_a_delegation_code_secret_of_32_characters() {
        let jwks = ("IDENTITY_JWKS_FILE", "/etc/inps/jwks.json");
        let err = read(&[("APP_ENV", "production"), jwks]).unwrap_err();
        assert_eq!(err.variable, "DELEGATION_CODE_SECRET");
        let short = "k".repeat(MIN_SECRET_BYTES - 1);
        let err = read(&[("DELEGATION_CODE_SECRET", &short)]).unwrap_err();
        assert_eq!(err.variable, "DELEGATION_CODE_SECRET");
        assert!(!err.to_string().contains(&short));
        let sandbox = read(&[]).unwrap();
        assert_eq!(
            sandbox.delegation_code_secret.bytes(),
            SANDBOX_DELEGATION_CODE_SECRET.as_bytes()
        );
        assert!(!format!("{sandbox:?}").contains(SANDBOX_DELEGATION_CODE_SECRET));
    }

    #[test]
    fn secrets_are_not_echoed() {
        let err = read(&[("DATABASE_URL", "mysql://user:hunter2@x/y")]).unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        let s = read(&[
            ("DATABASE_URL", "postgres://u:hunter2@h/db"),
            ("METRICS_TOKEN", "s3cret"),
        ])
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("s3cret"));
    }

    #[test]
    fn delivery_channels_are_optional_and_checked() {
        let s = read(&[]).unwrap();
        assert!(s.notification_worker_in_serve);
        assert!(s.smtp.is_none() && s.pec_smtp.is_none() && s.sms_gateway_url.is_none());

        let s = read(&[
            ("SMTP_HOST", "mail.example"),
            ("SMTP_USERNAME", "inps"),
            ("SMTP_PASSWORD", "hunter2"),
            ("MAIL_FROM", "notifiche@inps.example"),
        ])
        .unwrap();
        let smtp = s.smtp.as_ref().unwrap();
        assert_eq!((smtp.tls, smtp.port), (SmtpTls::Starttls, 587));
        assert!(!format!("{smtp:?}").contains("hunter2"));

        for (pairs, variable) in [
            (&[("SMTP_HOST", "mail.example")][..], "MAIL_FROM"),
            (
                &[
                    ("SMTP_HOST", "h"),
                    ("MAIL_FROM", "a@b.it"),
                    ("SMTP_TLS", "ssl"),
                ][..],
                "SMTP_TLS",
            ),
            (&[("PEC_SMTP_HOST", "pec.example")][..], "PEC_FROM"),
            (&[("SMS_GATEWAY_URL", "ftp://x")][..], "SMS_GATEWAY_URL"),
            (
                &[("NOTIFICATION_WORKER", "maybe")][..],
                "NOTIFICATION_WORKER",
            ),
        ] {
            assert_eq!(read(pairs).unwrap_err().variable, variable);
        }
    }

    #[test]
    fn webhooks_reach_loopback_only_in_the_sandbox() {
        assert!(read(&[]).unwrap().webhook_allow_loopback);
        assert!(
            !read(&[("WEBHOOK_ALLOW_LOOPBACK", "off")])
                .unwrap()
                .webhook_allow_loopback
        );
        let jwks = ("IDENTITY_JWKS_FILE", "/dev/null");
        let secret = ("DELEGATION_CODE_SECRET", "0123456789abcdef0123456789abcdef");
        let key = ("WEBHOOK_SECRET_KEY", "fedcba9876543210fedcba9876543210");
        let production = read(&[("APP_ENV", "production"), jwks, secret, key]).unwrap();
        assert!(!production.webhook_allow_loopback);
        let err = read(&[
            ("APP_ENV", "production"),
            jwks,
            secret,
            key,
            ("WEBHOOK_ALLOW_LOOPBACK", "on"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "WEBHOOK_ALLOW_LOOPBACK");
        let err = read(&[("WEBHOOK_ALLOW_LOOPBACK", "yes")]).unwrap_err();
        assert_eq!(err.variable, "WEBHOOK_ALLOW_LOOPBACK");
    }
}
