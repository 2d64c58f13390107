//! Reading `multipart/form-data` uploads under the attachment rules (DOMAIN.md: at most 3 files,
//! PDF, JPEG, PNG or TIFF recognised from their bytes, 3 MiB in total), shared by inquiries,
//! appointments, messages and support tickets; manuals are read under the same rules with their
//! own types (PDF or Markdown, [`Recognised`]).
//!
//! A body is refused as early as possible: from `Content-Length` before reading anything (413),
//! while streaming as soon as the files pass the total (413), at a file's first bytes when they
//! are not an accepted type (415), at the fourth file (422). A form that ends without its closing
//! boundary is 400; one that does not arrive within `BODY_READ_TIMEOUT_SECONDS` is 408. Nothing is
//! stored here: the caller stores what this returns inside its transaction.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt as _;
use inps_domain::assistance::ManualFormat;
use inps_domain::attachment::{self, AttachmentError, AttachmentKind};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Problem, Text};

/// Room for the text fields, boundaries and part headers on top of the files.
pub const FORM_OVERHEAD_BYTES: u64 = 64 * 1024;
/// Largest text field.
pub const MAX_TEXT_FIELD_BYTES: usize = 16 * 1024;

/// The file types a form accepts, recognised from the bytes, never from the name.
pub trait Recognised: Sized {
    /// The media type a file of this type is stored and served with.
    fn media_type(&self) -> &'static str;
    /// What the first bytes already decide (`None`: more bytes are needed); an unsupported
    /// type is refused as soon as it shows.
    fn sniff(prefix: &[u8]) -> Result<Option<Self>, AttachmentError>;
    /// What the whole content is.
    fn identify(content: &[u8]) -> Result<Self, AttachmentError>;
    /// The refusal of a file of another type.
    fn unsupported() -> ApiError;
}

impl Recognised for AttachmentKind {
    fn media_type(&self) -> &'static str {
        AttachmentKind::media_type(*self)
    }

    fn sniff(prefix: &[u8]) -> Result<Option<Self>, AttachmentError> {
        if prefix.len() < attachment::SNIFF_LEN {
            return Ok(None);
        }
        attachment::identify(prefix).map(Some)
    }

    fn identify(content: &[u8]) -> Result<Self, AttachmentError> {
        attachment::identify(content)
    }

    fn unsupported() -> ApiError {
        ApiError::new(Problem::UnsupportedAttachmentType).with_detail(
            "Sono ammessi solo PDF, JPEG, PNG e TIFF, riconosciuti dal contenuto.",
            "Only PDF, JPEG, PNG and TIFF are accepted, recognised from their content.",
        )
    }
}

impl Recognised for ManualFormat {
    fn media_type(&self) -> &'static str {
        ManualFormat::media_type(*self)
    }

    fn sniff(prefix: &[u8]) -> Result<Option<Self>, AttachmentError> {
        Ok(ManualFormat::sniff(prefix))
    }

    fn identify(content: &[u8]) -> Result<Self, AttachmentError> {
        ManualFormat::recognise(content).ok_or(AttachmentError::UnsupportedType)
    }

    fn unsupported() -> ApiError {
        ApiError::new(Problem::UnsupportedManualFormat).with_detail(
            "Un manuale è un PDF o un testo Markdown (UTF-8), riconosciuti dal contenuto.",
            "A manual is a PDF or Markdown text (UTF-8), recognised from its content.",
        )
    }
}

/// A file accepted from a form.
#[derive(Debug, Clone)]
pub struct UploadedFile<K = AttachmentKind> {
    /// The last component of the name the client gave.
    pub file_name: String,
    /// The type recognised from the bytes.
    pub kind: K,
    /// The content.
    pub bytes: Vec<u8>,
    /// SHA-256 of the content.
    pub sha256: [u8; 32],
}

/// A form read under the rules.
#[derive(Debug)]
pub struct Form<K = AttachmentKind> {
    /// Text fields by name.
    pub fields: BTreeMap<String, String>,
    /// Files, in the order sent.
    pub files: Vec<UploadedFile<K>>,
}

impl<K> Form<K> {
    /// A fingerprint of the whole form (for `Idempotency-Key`).
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for (name, value) in &self.fields {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(value.as_bytes());
            hasher.update([0]);
        }
        for file in &self.files {
            hasher.update(file.file_name.as_bytes());
            hasher.update(file.sha256);
        }
        hasher.finalize().into()
    }
}

/// What the form may contain.
#[derive(Debug, Clone, Copy)]
pub struct FormRules<'a> {
    /// Accepted text fields.
    pub text_fields: &'a [&'a str],
    /// Name of the file field.
    pub file_field: &'a str,
    /// Files already attached to the owner.
    pub existing_files: usize,
    /// Bytes already attached to the owner.
    pub existing_bytes: u64,
}

fn attachment_problem<K: Recognised>(e: &AttachmentError) -> ApiError {
    match e {
        AttachmentError::TooLarge { .. } => ApiError::new(Problem::AttachmentsTooLarge)
            .with_detail(
                "Gli allegati superano 3 MiB in totale.",
                "The attachments exceed 3 MiB in total.",
            ),
        AttachmentError::TooMany { .. } => ApiError::new(Problem::TooManyAttachments)
            .with_detail("Al massimo 3 allegati.", "At most 3 attachments."),
        AttachmentError::UnsupportedType | AttachmentError::Empty => K::unsupported(),
        AttachmentError::InvalidName { .. } => ApiError::invalid_field(
            "attachments",
            Text::new("nome del file non valido", "invalid file name"),
        ),
    }
}

/// A part's file name as browsers write it (RFC 7578 section 2 defers to the HTML standard):
/// `"`, CR and LF arrive percent-encoded as `%22`, `%0D` and `%0A` (the quoted-pair `\"` is
/// already undone by the header parser). They are decoded, so that the name stored is the one the
/// user chose, and a CR or LF is then refused as a control character. Any other `%` sequence is
/// kept as sent: browsers do not encode `%` itself, so nothing else is an escape.
fn decode_form_data_name(name: &str) -> String {
    let mut decoded = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find('%') {
        decoded.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or("");
        let ch = match escape.to_ascii_uppercase().as_str() {
            "%22" => Some('"'),
            "%0D" => Some('\r'),
            "%0A" => Some('\n'),
            _ => None,
        };
        match ch {
            Some(ch) => {
                decoded.push(ch);
                rest = &rest[at + 3..];
            }
            None => {
                decoded.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

fn malformed(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(Problem::MalformedRequest)
        .with_detail(
            "Modulo multipart non leggibile.",
            "Unreadable multipart form.",
        )
        .with_cause(e)
}

/// Reads a `multipart/form-data` body under `rules`, within the body read timeout.
pub async fn read_form<K: Recognised>(
    req: &HttpRequest,
    payload: web::Payload,
    rules: FormRules<'_>,
) -> Result<Form<K>, ApiError> {
    crate::extract::within_body_timeout(req, read_form_parts(req, payload, rules)).await
}

async fn read_form_parts<K: Recognised>(
    req: &HttpRequest,
    payload: web::Payload,
    rules: FormRules<'_>,
) -> Result<Form<K>, ApiError> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !is_multipart {
        return Err(ApiError::new(Problem::UnsupportedMediaType).with_detail(
            "Il corpo deve essere multipart/form-data.",
            "The body must be multipart/form-data.",
        ));
    }
    let budget = attachment::MAX_TOTAL_BYTES.saturating_sub(rules.existing_bytes);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > budget + FORM_OVERHEAD_BYTES) {
        return Err(attachment_problem::<K>(&AttachmentError::TooLarge {
            max_bytes: attachment::MAX_TOTAL_BYTES,
            total: declared.unwrap_or(0),
        }));
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut form = Form {
        fields: BTreeMap::new(),
        files: Vec::new(),
    };
    let mut file_bytes: u64 = 0;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_owned);
        if name == rules.file_field {
            attachment::check_count(rules.existing_files, form.files.len() + 1)
                .map_err(|e| attachment_problem::<K>(&e))?;
            let file_name = decode_form_data_name(file_name.as_deref().unwrap_or(""));
            let file_name = attachment::validate_file_name(&file_name)
                .map_err(|e| attachment_problem::<K>(&e))?;
            let mut bytes = Vec::new();
            let mut kind = None;
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(malformed)?;
                file_bytes += chunk.len() as u64;
                attachment::check_total(rules.existing_bytes, file_bytes)
                    .map_err(|e| attachment_problem::<K>(&e))?;
                bytes.extend_from_slice(&chunk);
                if kind.is_none() {
                    kind = K::sniff(&bytes).map_err(|e| attachment_problem::<K>(&e))?;
                }
            }
            let kind = match kind {
                Some(kind) => kind,
                None => K::identify(&bytes).map_err(|e| attachment_problem::<K>(&e))?,
            };
            form.files.push(UploadedFile {
                file_name,
                kind,
                sha256: Sha256::digest(&bytes).into(),
                bytes,
            });
        } else if rules.text_fields.contains(&name.as_str()) && file_name.is_none() {
            let mut value = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(malformed)?;
                if value.len() + chunk.len() > MAX_TEXT_FIELD_BYTES {
                    return Err(ApiError::invalid_field(
                        name,
                        Text::new("testo troppo lungo", "text too long"),
                    ));
                }
                value.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(value).map_err(|_| {
                ApiError::invalid_field(
                    name.clone(),
                    Text::new("testo non UTF-8", "text is not UTF-8"),
                )
            })?;
            if form.fields.insert(name.clone(), value).is_some() {
                return Err(ApiError::invalid_field(
                    name,
                    Text::new("campo ripetuto", "repeated field"),
                ));
            }
        } else {
            return Err(ApiError::invalid_field(
                if name.is_empty() {
                    "form".to_owned()
                } else {
                    name
                },
                Text::new("campo non previsto", "unexpected field"),
            ));
        }
    }
    Ok(form)
}

/// A stored file as a download: its bytes as stored, its media type, and a `Content-Disposition:
/// attachment` naming it safely (an ASCII `filename` with anything else, quotes and backslashes
/// replaced by `_`, and the exact UTF-8 name in `filename*`).
pub fn download(file_name: &str, media_type: &str, content: Vec<u8>) -> HttpResponse {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Attachment,
        parameters: vec![
            header::DispositionParam::Filename(ascii),
            header::DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: file_name.as_bytes().to_vec(),
            }),
        ],
    };
    HttpResponse::Ok()
        .content_type(media_type)
        .insert_header(disposition)
        .body(content)
}

/// Stores `file`, accepted from a form, as an attachment of the `owner_kind` resource
/// `owner_id`, in the caller's transaction (so a refused request stores nothing).
pub fn store_file<K: Recognised>(
    conn: &mut diesel::PgConnection,
    owner_kind: &str,
    owner_id: uuid::Uuid,
    file: &UploadedFile<K>,
    now: time::OffsetDateTime,
) -> Result<(), crate::refusal::Refusal> {
    let row = inps_persistence::inquiries::NewAttachment {
        id: uuid::Uuid::new_v4(),
        owner_kind,
        owner_id,
        file_name: &file.file_name,
        media_type: file.kind.media_type(),
        size_bytes: i32::try_from(file.bytes.len()).map_err(crate::refusal::Refusal::internal)?,
        sha256: &file.sha256,
        content: &file.bytes,
        created_at: now,
    };
    Ok(inps_persistence::inquiries::insert_attachment(conn, &row)?)
}
