//! The HTTP layer: actix-web handlers, the OpenAPI contract (utoipa), middleware and the mapping
//! of domain and database errors to RFC 9457 problems. Handlers extract, authorize, call one use
//! case in one transaction off the worker thread, and map the result to a response DTO.

pub mod access;
pub mod agenda;
pub mod app;
pub mod assistance;
pub mod audit;
pub mod auth;
pub mod background;
pub mod cassetto;
pub mod cli;
pub mod clock;
pub mod contract_problems;
pub mod db;
pub mod delegations;
pub mod demo;
pub mod error;
pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod identity;
pub mod import;
pub mod metrics;
pub mod middleware;
pub mod notifications;
pub mod occasional;
pub mod openapi;
pub mod problems;
pub mod refusal;
pub mod routes;
pub mod routing;
pub mod sealer;
pub mod server;
pub mod settings;
pub mod state;
pub mod status;
pub mod telemetry;
pub mod trust;
pub mod upload;
pub mod wire;

pub use app::{build_app, contract};
pub use state::AppState;
