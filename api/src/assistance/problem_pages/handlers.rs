//! The HTTP operation of problem help pages.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use super::wire::ProblemPage;
use crate::error::ApiError;
use crate::problems::Problem;

/// Explain a problem type
///
/// Open to anyone. The page every problem `type` URI (`https://inps.example/problems/{slug}`)
/// points to: what the rule is, in plain Italian and English, with its legal source where
/// there is one, so a frontend can link each refusal to its explanation. An unknown slug is 404.
#[utoipa::path(tag = "help", operation_id = "show_problem_page",
    params(("slug" = String, Path, description = "The last segment of the problem's `type` URI.", max_length = 64, pattern = "^[a-z-]{1,64}$")),
    responses((status = 200, description = "The explanation.", body = ProblemPage),
              (status = 404, description = "No such problem type.")),
    security(()))]
#[get("/help/problems/{slug}")]
pub async fn show_problem_page(slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(ProblemPage::from(known(&slug)?)))
}

/// The registry row of `slug`, or 404.
fn known(slug: &str) -> Result<Problem, ApiError> {
    Problem::from_slug(slug).ok_or_else(|| {
        ApiError::new(Problem::NotFound)
            .with_detail("Tipo di problema sconosciuto.", "Unknown problem type.")
    })
}

/// `GET /problems/{slug}` (outside `/v1` and the contract): the path of every problem `type`
/// URI (`https://inps.example/problems/{slug}`), so a deployment serving that host with this
/// API resolves each type to its help page with a permanent redirect.
pub async fn problem_type_redirect(slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let problem = known(&slug)?;
    Ok(HttpResponse::PermanentRedirect()
        .insert_header((
            header::LOCATION,
            format!("/v1/help/problems/{}", problem.spec().slug),
        ))
        .finish())
}
