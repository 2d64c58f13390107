//! The use cases of manuals.

use diesel::PgConnection;
use inps_domain::assistance::{ManualFormat, ManualProfile, visible_profiles};
use inps_domain::delegation::Service;
use inps_domain::text::clean_text;
use inps_persistence::assistance::{self as repo, ManualRow};
use inps_persistence::inquiries::{self as files, AttachmentMeta};
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::error::Text;
use crate::refusal::Refusal;
use crate::upload::{UploadedFile, store_file};

/// Owner kind of a manual's bytes among the attachments.
const OWNER: &str = "manual";

/// A manual version as shown: the record and its stored file.
#[derive(Debug)]
pub struct ManualView {
    /// The version.
    pub manual: ManualRow,
    /// Its file.
    pub file: AttachmentMeta,
}

/// Which manuals a listing asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct ManualFilter {
    /// Only this profile.
    pub profile: Option<ManualProfile>,
    /// Only this service's manuals (and those covering both).
    pub service: Option<Service>,
}

/// A new version of the manual of a profile and service: the command of [`publish_manual`].
#[derive(Debug)]
pub struct PublishManual {
    /// For whom.
    pub profile: ManualProfile,
    /// Which service (none: both).
    pub service: Option<Service>,
    /// Title.
    pub title: String,
    /// The document, recognised as PDF or Markdown.
    pub file: UploadedFile<ManualFormat>,
}

fn roles_of(viewer: Option<&Actor>) -> &[inps_domain::identity::Role] {
    viewer.map_or(&[], Actor::roles)
}

fn views(conn: &mut PgConnection, manuals: Vec<ManualRow>) -> Result<Vec<ManualView>, Refusal> {
    let ids: Vec<uuid::Uuid> = manuals.iter().map(|m| m.id).collect();
    let mut stored = files::attachments_of_owners(conn, OWNER, &ids)?;
    manuals
        .into_iter()
        .map(|manual| {
            let file = stored
                .remove(&manual.id)
                .and_then(|mut f| f.pop())
                .ok_or_else(|| Refusal::internal(format!("manual {} has no file", manual.id)))?;
            Ok(ManualView { manual, file })
        })
        .collect()
}

/// The current version of each manual `viewer` may see (anonymous: the public ones), narrowed
/// by `filter`. A profile the viewer does not hold lists nothing, as if it had no manuals.
pub fn manuals(
    conn: &mut PgConnection,
    viewer: Option<&Actor>,
    filter: ManualFilter,
) -> Result<Vec<ManualView>, Refusal> {
    let visible = visible_profiles(roles_of(viewer));
    let profiles: Vec<&str> = visible
        .into_iter()
        .filter(|p| filter.profile.is_none_or(|wanted| wanted == *p))
        .map(ManualProfile::as_str)
        .collect();
    let rows = repo::current_manuals(conn, &profiles, filter.service.map(Service::as_str))?;
    views(conn, rows)
}

/// Manual version `id` if `viewer` may see its profile (404 otherwise, as for an unknown id).
fn visible_manual(
    conn: &mut PgConnection,
    viewer: Option<&Actor>,
    id: uuid::Uuid,
) -> Result<ManualView, Refusal> {
    let manual = repo::manual(conn, id)?.ok_or_else(Refusal::not_found)?;
    let profile: ManualProfile = manual.profile.parse().map_err(Refusal::internal)?;
    if !visible_profiles(roles_of(viewer)).contains(&profile) {
        return Err(Refusal::not_found());
    }
    views(conn, vec![manual])?
        .pop()
        .ok_or_else(|| Refusal::internal("a manual without its view"))
}

/// Manual version `id` with its bytes, as stored.
pub fn manual_content(
    conn: &mut PgConnection,
    viewer: Option<&Actor>,
    id: uuid::Uuid,
) -> Result<(ManualView, Vec<u8>), Refusal> {
    let view = visible_manual(conn, viewer, id)?;
    let (_, content) =
        files::attachment_content(conn, OWNER, id, view.file.id)?.ok_or_else(Refusal::not_found)?;
    Ok((view, content))
}

/// Markdown rendered to HTML (CommonMark with tables and strikethrough) and sanitized: scripts,
/// event handlers, `javascript:` links and every tag or attribute outside ammonia's safe list
/// are removed, so the page can be shown as is.
pub fn render_markdown(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, parser);
    ammonia::clean(&unsafe_html)
}

/// Manual version `id` as sanitized HTML (Markdown manuals only: a PDF has none, 404).
pub fn manual_html(
    conn: &mut PgConnection,
    viewer: Option<&Actor>,
    id: uuid::Uuid,
) -> Result<(ManualView, String), Refusal> {
    let (view, content) = manual_content(conn, viewer, id)?;
    if ManualFormat::of_media_type(&view.file.media_type) != Some(ManualFormat::Markdown) {
        return Err(Refusal::not_found().with_detail(
            "Solo i manuali in Markdown hanno una versione HTML.",
            "Only Markdown manuals have an HTML version.",
        ));
    }
    let markdown = String::from_utf8(content).map_err(Refusal::internal)?;
    let title = ammonia::clean_text(&view.manual.title);
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n{}</body></html>\n",
        render_markdown(&markdown)
    );
    Ok((view, page))
}

/// Publishes a new version of the manual of `cmd.profile` and `cmd.service` (operators): the
/// next version number, the bytes stored with their SHA-256 as recognised.
pub fn publish_manual(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: PublishManual,
    now: OffsetDateTime,
) -> Result<ManualView, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let title = clean_text(&cmd.title, 200).map_err(|e| {
        Refusal::invalid_field(
            "title",
            Text::new(
                format!("titolo obbligatorio, al massimo 200 caratteri ({e})"),
                format!("required title, at most 200 characters ({e})"),
            ),
        )
    })?;
    let profile = cmd.profile.as_str();
    let service = cmd.service.map(Service::as_str);
    let manual = ManualRow {
        id: uuid::Uuid::new_v4(),
        profile: profile.to_owned(),
        service: service.map(str::to_owned),
        version: repo::next_manual_version(conn, profile, service)?,
        title,
        format: cmd.file.kind.as_str().to_owned(),
        published_at: now,
        published_by: actor.tax_code.clone(),
    };
    repo::insert_manual(conn, &manual)?;
    store_file(conn, OWNER, manual.id, &cmd.file, now)?;
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "manual.publish",
            &format!("/v1/help/manuals/{}", manual.id),
            None,
        ),
        now,
    )?;
    views(conn, vec![manual])?
        .pop()
        .ok_or_else(|| Refusal::internal("a manual without its view"))
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn rendered_markdown_keeps_no_script() {
        let html = render_markdown(
            "# Titolo\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<h1>Titolo</h1>"), "{html}");
        for bad in ["<script", "javascript:", "onerror"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
    }
}
