//! The application factory: the one place that assembles routes, contract, extractor
//! configuration and middleware. The server, the tests and `export-openapi` all use it.

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, guard, web};
use serde_json::Value;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::{ApiError, Problem, Text};
use crate::middleware::{observe, problem, rate_limit, request_id, security_headers};
use crate::openapi::{self, ApiDoc};
use crate::routes;
use crate::routing::{self, RouteTable};
use crate::settings::AppEnv;
use crate::state::AppState;

/// The contract as served at `/openapi.json` ([`openapi::as_served`]).
#[derive(Debug, Clone)]
pub struct Contract(pub Arc<Value>);

fn routed() -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<BoxBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    utoipa::openapi::OpenApi,
) {
    use utoipa::OpenApi as _;
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        // Outside sandbox mode the sandbox identity provider is not there at all: this resource,
        // routed before `/v1`, takes every request to its path (any method, any body) and answers
        // 404 before an extractor could look at the body. In sandbox mode its guard lets the
        // request through to the documented handler.
        .map(|app| {
            app.service(
                web::resource(SANDBOX_ASSERTIONS)
                    .guard(guard::fn_guard(|ctx| {
                        ctx.app_data::<web::Data<AppState>>()
                            .is_some_and(|s| !s.identity.sandbox_enabled())
                    }))
                    .to(not_mounted),
            )
        })
        .service(utoipa_actix_web::scope("/v1").configure(routes::configure))
        .split_for_parts()
}

/// The sandbox identity provider's path (mounted in sandbox mode only).
const SANDBOX_ASSERTIONS: &str = "/v1/sandbox/assertions";

async fn not_mounted() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found())
}

/// The contract generated from the handlers (what `export-openapi` writes).
pub fn contract() -> Value {
    openapi::finalize(routed().1)
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let error = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::new(Problem::PayloadTooLarge).with_detail(
                "Il corpo della richiesta supera la dimensione massima.",
                "The request body exceeds the maximum size.",
            )
        }
        JsonPayloadError::ContentType => ApiError::new(Problem::UnsupportedMediaType).with_detail(
            "Il corpo deve essere application/json.",
            "The body must be application/json.",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(Problem::ValidationFailed)
            .with_field(
                "body",
                Text::new(
                    format!("struttura non valida: {e}"),
                    format!("invalid structure: {e}"),
                ),
            ),
        _ => ApiError::new(Problem::MalformedRequest)
            .with_detail("Il corpo non è JSON valido.", "The body is not valid JSON."),
    };
    error.with_cause(err).into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(Problem::MalformedRequest)
        .with_detail(
            format!("Parametri di ricerca non validi: {err}"),
            format!("Invalid query parameters: {err}"),
        )
        .into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::not_found().with_cause(err).into()
}

async fn serve_contract(contract: web::Data<Contract>) -> HttpResponse {
    HttpResponse::Ok().json(contract.0.as_ref())
}

async fn serve_metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    // In production the metrics are closed unless a token protects them.
    if state.settings.app_env == AppEnv::Production && state.settings.metrics_token.is_none() {
        return Err(ApiError::not_found());
    }
    if let Some(token) = &state.settings.metrics_token {
        // Digests are compared, so the comparison's timing tells nothing about the secret.
        let presented = crate::auth::bearer(&req).map(|t| crate::auth::token_hash(&t));
        if presented != Some(crate::auth::token_hash(token)) {
            return Err(ApiError::new(Problem::Unauthenticated));
        }
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(&state.pool.state())))
}

async fn swagger_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/swagger-ui/"))
        .finish()
}

/// The application with every route and middleware, over `state`.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, doc) = routed();
    let contract = openapi::finalize(doc);
    let table = RouteTable::from_contract(
        &contract,
        &[
            ("/openapi.json", &["GET"]),
            ("/metrics", &["GET"]),
            ("/swagger-ui", &["GET"]),
            ("/swagger-ui/{tail}*", &["GET"]),
            ("/problems/{slug}", &["GET"]),
        ],
    );
    let json_limit = state.settings.max_json_body_bytes;
    let served = openapi::as_served(contract, state.settings.app_env == AppEnv::Sandbox);
    app.app_data(web::Data::new(state))
        .app_data(web::Data::new(Contract(Arc::new(served))))
        .app_data(web::Data::new(table))
        .app_data(
            web::JsonConfig::default()
                .limit(json_limit)
                .error_handler(json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .route("/openapi.json", web::get().to(serve_contract))
        .route("/metrics", web::get().to(serve_metrics))
        .route("/swagger-ui", web::get().to(swagger_redirect))
        .route(
            "/problems/{slug}",
            web::get().to(crate::assistance::problem_pages::handlers::problem_type_redirect),
        )
        .service(SwaggerUi::new("/swagger-ui/{_:.*}").config(Config::from("/openapi.json")))
        .default_service(web::to(routing::fallback))
        .wrap(from_fn(crate::db::request_scope))
        .wrap(from_fn(rate_limit::rate_limit))
        .wrap(from_fn(problem::render_problems))
        .wrap(from_fn(observe::observe))
        .wrap(from_fn(request_id::request_id))
        .wrap(from_fn(security_headers::security_headers))
}
