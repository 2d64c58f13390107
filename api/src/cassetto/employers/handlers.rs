//! The HTTP operation of the employer's data.

use actix_web::{HttpResponse, get, web};
use inps_domain::tax_code::TaxCode;

use super::use_cases;
use super::wire::Employer;
use crate::auth::Bearer;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// Show an employer
///
/// Personal data (names, birth date and place derived from the tax code, address), contacts and
/// the active domestic-work delegation. Visible to the employer, to an intermediary with an
/// active domestic-work delegation (the read is recorded in the accountability log) and to
/// operators; 404 to anyone else.
#[utoipa::path(tag = "employers", operation_id = "show_employer",
    params(("tax_code" = String, Path, description = "Codice fiscale of the employer.", max_length = 22)),
    responses((status = 200, description = "The employer.", body = Employer),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/employers/{tax_code}")]
pub async fn show_employer(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let subject = TaxCode::parse(&path.into_inner()).map_err(|_| ApiError::not_found())?;
    let now = state.clock.now();
    let data = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_employer(
            conn,
            &caller.actor(),
            &subject,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Employer::from(data)))
}
