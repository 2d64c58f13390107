//! Attachments (allegati) of quesiti, appointments and messages.
//!
//! INPS accepts at most 3 files, PDF, JPEG, PNG or TIFF, 3 MB in total (DOMAIN.md 2.2, 2.3); we
//! read "3 MB" as 3 MiB and apply the same rule to all three places. The type is recognised from
//! the file's first bytes, never from its name or the declared media type, both of which the
//! client chooses freely.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use crate::identity::ParseError;
use crate::identity::parse_wire;

/// How many attachments one quesito, appointment or message may have.
pub const MAX_ATTACHMENTS: usize = 3;

/// The most bytes the attachments of one quesito, appointment or message may add up to: 3 MiB.
pub const MAX_TOTAL_BYTES: u64 = 3_145_728;

/// How many leading bytes [`sniff`] needs to recognise every supported type (the PNG signature
/// is the longest).
pub const SNIFF_LEN: usize = 8;

/// The longest file name kept, in bytes: the common limit of file systems, so the name survives a
/// download onto any of them.
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// The file types INPS accepts as attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// PDF document.
    Pdf,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// TIFF image, either byte order.
    Tiff,
}

impl AttachmentKind {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 4] = [Self::Pdf, Self::Jpeg, Self::Png, Self::Tiff];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Tiff => "tiff",
        }
    }

    /// The IANA media type to serve the file with.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Tiff => "image/tiff",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Tiff => "tiff",
        }
    }
}

impl FromStr for AttachmentKind {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "attachment kind", s)
    }
}

impl fmt::Display for AttachmentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// File signatures ("magic numbers") of the accepted types.
const SIGNATURES: [(&[u8], AttachmentKind); 5] = [
    (b"%PDF-", AttachmentKind::Pdf),
    (&[0xFF, 0xD8, 0xFF], AttachmentKind::Jpeg),
    (
        &[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
        AttachmentKind::Png,
    ),
    // Little-endian ("II") and big-endian ("MM") TIFF.
    (&[0x49, 0x49, 0x2A, 0x00], AttachmentKind::Tiff),
    (&[0x4D, 0x4D, 0x00, 0x2A], AttachmentKind::Tiff),
];

/// The type of a file recognised from its first bytes, or `None` when it is none of the accepted
/// types. Pass at least [`SNIFF_LEN`] bytes (or the whole file, if shorter).
pub fn sniff(prefix: &[u8]) -> Option<AttachmentKind> {
    SIGNATURES
        .iter()
        .find(|(signature, _)| prefix.starts_with(signature))
        .map(|&(_, kind)| kind)
}

/// Why the name of an attachment is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvalidNameReason {
    /// Nothing left once directories and surrounding whitespace are removed (or just `.`/`..`).
    Empty,
    /// A control character, or an invisible bidirectional-text control that could disguise the
    /// real extension.
    ControlCharacter,
    /// Longer than [`MAX_FILE_NAME_BYTES`] bytes in UTF-8.
    TooLong {
        /// Length of the cleaned name, in bytes.
        len: usize,
    },
}

impl fmt::Display for InvalidNameReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty"),
            Self::ControlCharacter => f.write_str("it contains control characters"),
            Self::TooLong { len } => {
                write!(
                    f,
                    "it is {len} bytes long, at most {MAX_FILE_NAME_BYTES} allowed"
                )
            }
        }
    }
}

/// Why an attachment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// Adding the files would go over the number allowed.
    #[error("at most {max} attachments are allowed")]
    TooMany {
        /// The limit, [`MAX_ATTACHMENTS`].
        max: usize,
    },
    /// Adding the files would go over the total size allowed.
    #[error("attachments may total at most {max_bytes} bytes, these would total {total}")]
    TooLarge {
        /// The limit, [`MAX_TOTAL_BYTES`].
        max_bytes: u64,
        /// The total the attachments would reach.
        total: u64,
    },
    /// The content is not PDF, JPEG, PNG or TIFF.
    #[error("only PDF, JPEG, PNG and TIFF files are accepted")]
    UnsupportedType,
    /// The file has no content.
    #[error("the file is empty")]
    Empty,
    /// The file name cannot be kept.
    #[error("invalid file name: {reason}")]
    InvalidName {
        /// What is wrong with it.
        reason: InvalidNameReason,
    },
}

/// The type of a file from its first bytes (at least [`SNIFF_LEN`] of them, or the whole file if
/// shorter): [`AttachmentError::Empty`] when there are none, [`AttachmentError::UnsupportedType`]
/// when [`sniff`] recognises nothing.
pub fn identify(prefix: &[u8]) -> Result<AttachmentKind, AttachmentError> {
    if prefix.is_empty() {
        return Err(AttachmentError::Empty);
    }
    sniff(prefix).ok_or(AttachmentError::UnsupportedType)
}

/// Checks that `adding` more files next to `existing` ones stay within [`MAX_ATTACHMENTS`].
pub fn check_count(existing: usize, adding: usize) -> Result<(), AttachmentError> {
    if existing.saturating_add(adding) > MAX_ATTACHMENTS {
        return Err(AttachmentError::TooMany {
            max: MAX_ATTACHMENTS,
        });
    }
    Ok(())
}

/// Checks that `adding_bytes` more next to `existing_bytes` stay within [`MAX_TOTAL_BYTES`].
pub fn check_total(existing_bytes: u64, adding_bytes: u64) -> Result<(), AttachmentError> {
    // Saturating: a sum past u64::MAX is over the limit anyway.
    let total = existing_bytes.saturating_add(adding_bytes);
    if total > MAX_TOTAL_BYTES {
        return Err(AttachmentError::TooLarge {
            max_bytes: MAX_TOTAL_BYTES,
            total,
        });
    }
    Ok(())
}

/// Whether `c` must not appear in a file name: control characters, and the invisible
/// bidirectional controls that can make `invoice<U+202E>fdp.exe` display as `invoiceexe.pdf`.
fn is_forbidden_in_name(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// The name to store for an uploaded file, or why it cannot be kept.
///
/// Browsers and tools may send a whole path (Windows ones with backslashes), and a hostile client
/// may send `../` segments: only the last component is kept, so the name can never point
/// elsewhere when it is used later in a download header or a file system. Surrounding whitespace
/// is dropped; `.` and `..` count as empty.
pub fn validate_file_name(name: &str) -> Result<String, AttachmentError> {
    let invalid = |reason| AttachmentError::InvalidName { reason };
    // Checked on the whole input: a control character anywhere is a sign of tampering.
    if name.chars().any(is_forbidden_in_name) {
        return Err(invalid(InvalidNameReason::ControlCharacter));
    }
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if last.is_empty() || last == "." || last == ".." {
        return Err(invalid(InvalidNameReason::Empty));
    }
    if last.len() > MAX_FILE_NAME_BYTES {
        return Err(invalid(InvalidNameReason::TooLong { len: last.len() }));
    }
    Ok(last.to_owned())
}

#[cfg(test)]
mod tests;
