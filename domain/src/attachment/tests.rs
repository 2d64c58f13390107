//! Tests for attachments: type recognition from content, the count and size limits and file
//! name cleaning.

use super::*;

fn invalid(reason: InvalidNameReason) -> Result<String, AttachmentError> {
    Err(AttachmentError::InvalidName { reason })
}

#[test]
fn wire_names_and_media_types() {
    let names: Vec<&str> = AttachmentKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(names, ["pdf", "jpeg", "png", "tiff"]);
    let media: Vec<&str> = AttachmentKind::ALL.iter().map(|k| k.media_type()).collect();
    assert_eq!(
        media,
        ["application/pdf", "image/jpeg", "image/png", "image/tiff"]
    );
    let extensions: Vec<&str> = AttachmentKind::ALL.iter().map(|k| k.extension()).collect();
    assert_eq!(extensions, ["pdf", "jpg", "png", "tiff"]);
    for k in AttachmentKind::ALL {
        assert_eq!(k.as_str().parse::<AttachmentKind>(), Ok(k));
        assert_eq!(k.to_string(), k.as_str());
        assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{k}\""));
    }
    assert_eq!(
        "image/png".parse::<AttachmentKind>(),
        Err(ParseError {
            kind: "attachment kind",
            value: "image/png".to_owned()
        })
    );
}

#[test]
fn recognises_each_signature() {
    assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3"), Some(AttachmentKind::Pdf));
    assert_eq!(
        sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F']),
        Some(AttachmentKind::Jpeg)
    );
    assert_eq!(
        sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        Some(AttachmentKind::Png)
    );
    assert_eq!(
        sniff(&[b'I', b'I', 0x2A, 0x00, 0x08, 0, 0, 0]),
        Some(AttachmentKind::Tiff)
    );
    assert_eq!(
        sniff(&[b'M', b'M', 0x00, 0x2A, 0, 0, 0, 0x08]),
        Some(AttachmentKind::Tiff)
    );
    assert!(
        [b"%PDF-".len(), 3, 8, 4]
            .iter()
            .all(|&len| len <= SNIFF_LEN),
        "SNIFF_LEN covers every signature"
    );
}

#[test]
fn refuses_anything_else() {
    // A text file called "ricevuta.pdf": the name plays no part.
    assert_eq!(sniff(b"Gentile INPS, allego la ricevuta"), None);
    assert_eq!(sniff(b""), None);
    assert_eq!(sniff(b"%PDF"), None, "truncated signature");
    assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A]), None);
    assert_eq!(sniff(b"GIF89a\x01\x00"), None);
    assert_eq!(sniff(b"PK\x03\x04\x14\x00\x06\x00"), None, "zip/docx");
    assert_eq!(sniff(&[b'I', b'I', 0x00, 0x2A]), None, "mixed byte order");
    assert_eq!(identify(b""), Err(AttachmentError::Empty));
    assert_eq!(
        identify(b"plain text"),
        Err(AttachmentError::UnsupportedType)
    );
    assert_eq!(identify(b"%PDF-1.4"), Ok(AttachmentKind::Pdf));
}

#[test]
fn at_most_three_files() {
    assert_eq!(check_count(0, 3), Ok(()));
    assert_eq!(check_count(2, 1), Ok(()));
    assert_eq!(check_count(3, 0), Ok(()));
    let too_many = Err(AttachmentError::TooMany { max: 3 });
    assert_eq!(check_count(3, 1), too_many, "a fourth file");
    assert_eq!(check_count(0, 4), too_many);
    assert_eq!(check_count(usize::MAX, 1), too_many, "no overflow");
}

#[test]
fn at_most_three_mebibytes_in_total() {
    assert_eq!(MAX_TOTAL_BYTES, 3 * 1024 * 1024);
    assert_eq!(check_total(0, 3_145_728), Ok(()));
    assert_eq!(check_total(3_000_000, 145_728), Ok(()));
    assert_eq!(
        check_total(3_000_000, 145_729),
        Err(AttachmentError::TooLarge {
            max_bytes: 3_145_728,
            total: 3_145_729
        })
    );
    assert_eq!(
        check_total(0, 3_145_729),
        Err(AttachmentError::TooLarge {
            max_bytes: 3_145_728,
            total: 3_145_729
        })
    );
    assert_eq!(
        check_total(u64::MAX, 1),
        Err(AttachmentError::TooLarge {
            max_bytes: 3_145_728,
            total: u64::MAX
        }),
        "no overflow"
    );
}

#[test]
fn keeps_only_the_last_path_component() {
    assert_eq!(validate_file_name("ricevuta.pdf").unwrap(), "ricevuta.pdf");
    assert_eq!(validate_file_name("../../etc/passwd").unwrap(), "passwd");
    assert_eq!(validate_file_name("C:\\x\\y.pdf").unwrap(), "y.pdf");
    assert_eq!(validate_file_name("a/b\\c/d.png").unwrap(), "d.png");
    assert_eq!(
        validate_file_name("  busta paga marzo.pdf ").unwrap(),
        "busta paga marzo.pdf"
    );
    assert_eq!(validate_file_name("così è.jpg").unwrap(), "così è.jpg");
}

#[test]
fn refuses_unusable_names() {
    use InvalidNameReason::*;
    assert_eq!(validate_file_name(""), invalid(Empty));
    assert_eq!(validate_file_name("   "), invalid(Empty));
    assert_eq!(validate_file_name("dir/"), invalid(Empty));
    assert_eq!(validate_file_name("../.."), invalid(Empty));
    assert_eq!(validate_file_name("."), invalid(Empty));
    assert_eq!(validate_file_name("a\0b"), invalid(ControlCharacter));
    assert_eq!(validate_file_name("a\nb.pdf"), invalid(ControlCharacter));
    assert_eq!(validate_file_name("x\u{7F}.pdf"), invalid(ControlCharacter));
    assert_eq!(
        validate_file_name("invoice\u{202E}fdp.exe"),
        invalid(ControlCharacter)
    );
    assert_eq!(validate_file_name(&"a".repeat(255)).unwrap().len(), 255);
    assert_eq!(
        validate_file_name(&"a".repeat(256)),
        invalid(TooLong { len: 256 })
    );
    // 128 two-byte characters: 128 characters but 256 bytes.
    assert_eq!(
        validate_file_name(&"è".repeat(128)),
        invalid(TooLong { len: 256 })
    );
    assert_eq!(
        validate_file_name(&format!("{}/ok.pdf", "d".repeat(400))).unwrap(),
        "ok.pdf",
        "only the kept name counts"
    );
}

#[test]
fn error_messages() {
    assert_eq!(
        AttachmentError::InvalidName {
            reason: InvalidNameReason::TooLong { len: 300 }
        }
        .to_string(),
        "invalid file name: it is 300 bytes long, at most 255 allowed"
    );
    assert_eq!(
        AttachmentError::TooMany { max: 3 }.to_string(),
        "at most 3 attachments are allowed"
    );
}
