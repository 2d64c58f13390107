//! The PDF receipt (quietanza) of a credited payment: the worker, the month, each service, the
//! amounts, the payment method (IBAN masked but the last 4 characters) and the status. A4
//! pages of plain Courier text, uncompressed, written with `lopdf`.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

use super::wire::{PaymentBody, PaymentSummary};
use crate::refusal::Refusal;

/// Lines per A4 page at 11 pt.
const LINES_PER_PAGE: usize = 56;

/// Printable ASCII only (the standard Courier font with WinAnsi covers it; anything else
/// becomes `?`), so no stored text can break the content stream.
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

fn header(p: &PaymentSummary) -> Vec<String> {
    let method = match &p.payment_method.iban_masked {
        Some(iban) => format!("{} {iban}", p.payment_method.kind),
        None => p.payment_method.kind.clone(),
    };
    let credited_at = p
        .credited_at
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    vec![
        "INPS - Prestazioni occasionali (art. 54-bis D.L. 50/2017)".to_owned(),
        "Ricevuta di pagamento / Payment receipt".to_owned(),
        String::new(),
        format!("Pagamento / Payment: {}", p.id),
        format!("Prestatore / Worker: {}", p.worker_tax_code),
        format!("Periodo / Period: {}", p.month),
        format!("Stato / Status: {}", p.status),
        format!("Accreditato il / Credited at: {credited_at}"),
        format!("Modalita / Payment method: {method}"),
        String::new(),
        format!("Importo lordo / Amount: {} EUR", p.amount.amount()),
        format!("Commissione / Fee: {} EUR", p.fee.amount()),
        format!("Accreditato / Credited: {} EUR", p.credited_amount.amount()),
        String::new(),
        "Prestazioni / Services:".to_owned(),
    ]
}

/// The lines of the receipt of `body`.
pub fn lines(body: &PaymentBody) -> Vec<String> {
    let mut out = header(&body.payment);
    for s in &body.services {
        out.push(format!(
            "  {}  {}  client {}  {} EUR",
            s.date,
            s.service_id,
            s.client_id,
            s.net.amount()
        ));
    }
    out.into_iter().map(|l| ascii(&l)).collect()
}

/// The PDF of `body`.
pub fn pdf(body: &PaymentBody) -> Result<Vec<u8>, Refusal> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Courier",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let all = lines(body);
    let mut kids = Vec::new();
    for chunk in all.chunks(LINES_PER_PAGE) {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![13.into()]),
            Operation::new("Td", vec![50.into(), 790.into()]),
        ];
        for line in chunk {
            ops.push(Operation::new(
                "Tj",
                vec![Object::string_literal(line.as_bytes().to_vec())],
            ));
            ops.push(Operation::new("T*", vec![]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops }
            .encode()
            .map_err(Refusal::internal)?;
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    let count = i64::try_from(kids.len()).map_err(Refusal::internal)?;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(Refusal::internal)?;
    Ok(out)
}
