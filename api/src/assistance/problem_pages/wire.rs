//! The wire shape of a problem's help page.

use serde::Serialize;
use utoipa::ToSchema;

use crate::problems::Problem;

/// What a problem type means.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "slug": "scope-not-granted", "type": "https://inps.example/problems/scope-not-granted", "status": 403,
    "title_it": "Ambito della delega non concesso", "title_en": "Delegation scope not granted",
    "explanation_it": "La delega attiva non comprende l'ambito richiesto...",
    "explanation_en": "The active delegation does not include the scope required..."
}))]
pub struct ProblemPage {
    /// The problem's slug.
    #[schema(max_length = 64)]
    pub slug: String,
    /// The `type` URI problem bodies carry.
    #[serde(rename = "type")]
    #[schema(max_length = 128)]
    pub type_uri: String,
    /// The HTTP status it comes with.
    #[schema(format = Int32, minimum = 400, maximum = 599)]
    pub status: i32,
    /// Title, Italian.
    #[schema(max_length = 200)]
    pub title_it: String,
    /// Title, English.
    #[schema(max_length = 200)]
    pub title_en: String,
    /// The rule in plain Italian, with its legal source where there is one.
    #[schema(max_length = 2000)]
    pub explanation_it: String,
    /// The rule in plain English, with its legal source where there is one.
    #[schema(max_length = 2000)]
    pub explanation_en: String,
}

impl From<Problem> for ProblemPage {
    fn from(p: Problem) -> Self {
        let spec = p.spec();
        Self {
            slug: spec.slug.to_owned(),
            type_uri: spec.type_uri(),
            status: i32::from(spec.status),
            title_it: spec.title_it.to_owned(),
            title_en: spec.title_en.to_owned(),
            explanation_it: spec.explanation_it.to_owned(),
            explanation_en: spec.explanation_en.to_owned(),
        }
    }
}
