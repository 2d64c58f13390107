//! The wire shapes of manuals.

use inps_domain::assistance::{ManualFormat as DManualFormat, ManualProfile as DManualProfile};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::use_cases::ManualView;
use crate::wire::Service;

crate::wire::wire_enum! {
    /// Whom a manual is for: everyone (`public`) or the holders of a role.
    ManualProfile <=> DManualProfile {
        /// Anyone, signed in or not.
        Public,
        /// Datore di lavoro domestico.
        Employer,
        /// Intermediario abilitato.
        Intermediary,
        /// Prestatore.
        Worker,
        /// Utilizzatore.
        Client,
        /// Operatore INPS.
        Operator,
    }
}

crate::wire::wire_enum! {
    /// A manual's format, recognised from its bytes.
    ManualFormat <=> DManualFormat {
        /// PDF.
        Pdf,
        /// Markdown (also served as sanitized HTML).
        Markdown,
    }
}

/// A manual version.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "6f1c2a40-0001-4000-8000-000000000002", "profile": "employer", "service": "domestic_work",
    "version": 1, "title": "Manuale del datore di lavoro domestico / Household employer manual",
    "format": "markdown", "file_name": "manuale-datore-di-lavoro.md", "media_type": "text/markdown",
    "size_bytes": 2639, "sha256": "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6",
    "published_at": "2026-11-30T10:00:00Z",
    "content_url": "/v1/help/manuals/6f1c2a40-0001-4000-8000-000000000002/content",
    "html_url": "/v1/help/manuals/6f1c2a40-0001-4000-8000-000000000002/html"
}))]
pub struct Manual {
    /// Identifier of this version.
    pub id: uuid::Uuid,
    /// For whom.
    pub profile: ManualProfile,
    /// Which service (null: both).
    pub service: Option<Service>,
    /// Version number, from 1; the listing shows the newest.
    #[schema(format = Int32, minimum = 1)]
    pub version: i32,
    /// Title.
    #[schema(max_length = 200)]
    pub title: String,
    /// Format.
    pub format: ManualFormat,
    /// File name.
    #[schema(max_length = 255)]
    pub file_name: String,
    /// Media type of the download.
    #[schema(max_length = 32, example = "text/markdown")]
    pub media_type: String,
    /// Size in bytes.
    #[schema(format = Int32, minimum = 1)]
    pub size_bytes: i32,
    /// SHA-256 of the content (hex).
    #[schema(max_length = 64)]
    pub sha256: String,
    /// When this version was published.
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// Where to download it, byte for byte.
    #[schema(max_length = 100)]
    pub content_url: String,
    /// Where to read it as HTML (Markdown manuals; null for a PDF).
    #[schema(max_length = 100)]
    pub html_url: Option<String>,
}

impl TryFrom<ManualView> for Manual {
    type Error = crate::refusal::Refusal;

    fn try_from(v: ManualView) -> Result<Self, Self::Error> {
        let m = v.manual;
        let bad = crate::refusal::Refusal::internal;
        let format: DManualFormat = m.format.parse().map_err(bad)?;
        let profile: DManualProfile = m.profile.parse().map_err(bad)?;
        let service = m
            .service
            .as_deref()
            .map(str::parse::<inps_domain::delegation::Service>)
            .transpose()
            .map_err(bad)?;
        Ok(Self {
            content_url: format!("/v1/help/manuals/{}/content", m.id),
            html_url: (format == DManualFormat::Markdown)
                .then(|| format!("/v1/help/manuals/{}/html", m.id)),
            id: m.id,
            profile: profile.into(),
            service: service.map(Service::from),
            version: m.version,
            title: m.title,
            format: format.into(),
            file_name: v.file.file_name,
            media_type: v.file.media_type,
            size_bytes: v.file.size_bytes,
            sha256: hex::encode(v.file.sha256),
            published_at: m.published_at,
        })
    }
}

/// The manuals the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManualList {
    /// The newest version of each manual, by profile and service.
    pub items: Vec<Manual>,
    /// Always null: one manual per profile and service fits one page.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// Filters of the manual list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ManualQuery {
    /// Only this profile (one the caller does not hold lists nothing).
    pub profile: Option<ManualProfile>,
    /// Only this service's manuals and those covering both.
    pub service: Option<Service>,
}

/// The multipart form of a new manual version (no other fields are accepted).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "documents the multipart form; the body is read by upload::read_form"
)]
#[schema(example = json!({"profile": "employer", "service": "domestic_work", "title": "Manuale del datore di lavoro domestico", "document": "# Manuale del datore di lavoro domestico\n"}))]
pub struct NewManualForm {
    /// For whom.
    profile: ManualProfile,
    /// Which service (omitted: both).
    service: Option<Service>,
    /// Title (1 to 200 characters once trimmed).
    #[schema(min_length = 1, max_length = 200)]
    title: String,
    /// The document: PDF or Markdown (UTF-8 text), recognised from its content; 3 MiB at most.
    #[schema(value_type = String, format = Binary)]
    document: Vec<u8>,
}

/// A manual's bytes, as stored.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ManualContent(pub Vec<u8>);

/// A Markdown manual rendered as sanitized HTML.
#[derive(Debug, ToSchema)]
#[schema(value_type = String)]
pub struct ManualPage(pub String);
