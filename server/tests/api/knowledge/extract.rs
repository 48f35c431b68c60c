//! PDF extraction through the real `chatdeck extract pdf` child process: its limits end a
//! hostile PDF with a reason, and the test process (standing in for the server) is unharmed.

use std::time::{Duration, Instant};

use bytes::Bytes;
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use server::knowledge::extract::{extract, ExtractError, Format, Limits};

fn limits() -> Limits {
    Limits {
        program: env!("CARGO_BIN_EXE_chatdeck").into(),
        ..Limits::default()
    }
}

async fn read(bytes: Vec<u8>, limits: &Limits) -> Result<String, String> {
    extract(Format::Pdf, Bytes::from(bytes), limits)
        .await
        .map(|extracted| {
            format!(
                "title: {}\n{}",
                extracted.title.unwrap_or_default(),
                extracted.text
            )
        })
        .map_err(|error| error.to_string())
}

/// A PDF with one page per entry of `pages` (one line of Helvetica per string), with extra
/// objects and page content from `extra`.
fn pdf(
    pages: &[&[&str]],
    title: Option<&str>,
    extra: impl FnOnce(&mut Document) -> Option<lopdf::ObjectId>,
) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let font_id = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = document.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let shared_content = extra(&mut document);
    let mut kids: Vec<Object> = Vec::new();
    for lines in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![72.into(), 760.into()]),
        ];
        for line in lines.iter() {
            operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            operations.push(Operation::new("Td", vec![0.into(), (-16).into()]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().unwrap();
        let content_id = match shared_content {
            Some(id) => id,
            None => document.add_object(Stream::new(dictionary! {}, content)),
        };
        let page_id = document.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog_id);
    if let Some(title) = title {
        let info_id = document.add_object(dictionary! { "Title" => Object::string_literal(title) });
        document.trailer.set("Info", info_id);
    }
    document.compress();
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

fn no_extra(_: &mut Document) -> Option<lopdf::ObjectId> {
    None
}

/// RunLengthDecode data of `size` zero bytes, 128 per two input bytes.
fn run_length_zeros(size: usize) -> Vec<u8> {
    let mut encoded = Vec::with_capacity(size / 64 + 1);
    for _ in 0..size / 128 {
        encoded.extend([129, b'0']);
    }
    encoded.push(128);
    encoded
}

#[tokio::test]
async fn a_two_page_pdf_becomes_two_paragraphs_with_its_title() {
    let bytes = pdf(
        &[
            &["Quarterly Report", "Revenue grew by ten percent."],
            &["Outlook", "Costs are expected to fall."],
        ],
        Some("Q3 Report"),
        no_extra,
    );
    assert_eq!(
        read(bytes, &limits()).await.unwrap(),
        "title: Q3 Report\nQuarterly Report\nRevenue grew by ten percent.\n\n\
         Outlook\nCosts are expected to fall."
    );
}

#[tokio::test]
async fn a_scanned_pdf_has_no_text_layer() {
    let bytes = pdf(&[&[], &[]], None, no_extra);
    assert_eq!(
        read(bytes, &limits()).await.unwrap_err(),
        "The PDF has no text layer (it may be a scan); chatdeck does not OCR."
    );
}

#[tokio::test]
async fn garbage_truncated_and_broken_pdfs_fail_with_a_reason() {
    assert_eq!(
        read(b"GIF89a\x01\x00 not a PDF".to_vec(), &limits())
            .await
            .unwrap_err(),
        "The PDF could not be read: it does not start with a PDF header."
    );
    let whole = pdf(&[&["Some text"]], None, no_extra);
    let truncated = whole[..whole.len() / 3].to_vec();
    let error = read(truncated, &limits()).await.unwrap_err();
    assert!(
        error.starts_with("The PDF could not be read: ") || error.starts_with("The PDF has no"),
        "{error}"
    );
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend((0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8));
    let error = read(garbage, &limits()).await.unwrap_err();
    assert!(error.starts_with("The PDF could not be read: "), "{error}");
}

/// A PDF whose cross-reference stream, which lopdf inflates while loading (within its own
/// 256 MiB bound), inflates to `size` bytes.
fn xref_stream_bomb(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.5\n".to_vec();
    bytes.extend(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    bytes.extend(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    bytes.extend(b"3 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n");
    let xref_at = bytes.len();
    let data = run_length_zeros(size);
    bytes.extend(
        format!(
            "4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R \
             /Filter /RunLengthDecode /Length {} >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    );
    bytes.extend(data);
    bytes.extend(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    bytes
}

#[tokio::test]
async fn a_pdf_needing_more_memory_than_allowed_fails_cleanly_and_the_server_goes_on() {
    let small = Limits {
        pdf_memory_bytes: 64 * 1024 * 1024,
        ..limits()
    };
    let started = Instant::now();
    assert_eq!(
        read(xref_stream_bomb(200 * 1024 * 1024), &small)
            .await
            .unwrap_err(),
        "The PDF could not be read: the reader ran out of memory."
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    // The same limits still read an ordinary PDF.
    let ordinary = pdf(&[&["Still here"]], None, no_extra);
    assert_eq!(read(ordinary, &small).await.unwrap(), "title: \nStill here");
}

#[tokio::test]
async fn a_pdf_bomb_in_page_content_is_refused_by_the_page_cap() {
    let bomb = pdf(&[&[]], None, |document| {
        let stream = Stream::new(
            dictionary! { "Filter" => "RunLengthDecode" },
            run_length_zeros(200 * 1024 * 1024),
        );
        Some(document.add_object(stream))
    });
    // A quarter of 256 MiB: one page's content may inflate to 64 MiB.
    let limits = Limits {
        pdf_memory_bytes: 256 * 1024 * 1024,
        ..limits()
    };
    assert_eq!(
        read(bomb, &limits).await.unwrap_err(),
        "The PDF could not be read: a page's content inflates past the reader's limit."
    );
}

/// 400 pages sharing one content stream that inflates to 10 MiB each time a page is read.
fn slow_pdf() -> Vec<u8> {
    let pages: Vec<&[&str]> = vec![&[]; 400];
    pdf(&pages, None, |document| {
        let stream = Stream::new(
            dictionary! { "Filter" => "RunLengthDecode" },
            run_length_zeros(10 * 1024 * 1024),
        );
        Some(document.add_object(stream))
    })
}

#[tokio::test]
async fn a_pdf_using_too_much_processor_time_is_stopped() {
    let strict = Limits {
        pdf_cpu_seconds: 1,
        ..limits()
    };
    assert_eq!(
        read(slow_pdf(), &strict).await.unwrap_err(),
        "Reading the PDF used more than 1 second of processor time."
    );
}

#[tokio::test]
async fn a_pdf_reader_past_its_deadline_is_killed() {
    let hurried = Limits {
        pdf_timeout: Duration::from_millis(300),
        ..limits()
    };
    let started = Instant::now();
    assert_eq!(
        read(slow_pdf(), &hurried).await.unwrap_err(),
        "Reading the PDF took longer than 0.3 seconds."
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_pdf_nested_a_million_arrays_deep_ends_with_a_reason() {
    let depth = 1_000_000;
    let mut bytes = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n".to_vec();
    bytes.extend(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 /Deep ");
    bytes.extend(std::iter::repeat_n(b'[', depth));
    bytes.extend(std::iter::repeat_n(b']', depth));
    bytes.extend(b" >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n");
    bytes.extend(b"trailer\n<< /Root 1 0 R >>\n%%EOF\n");
    let error = read(bytes, &limits()).await.unwrap_err();
    assert!(
        error.starts_with("The PDF could not be read: ") || error.starts_with("The PDF has no"),
        "{error}"
    );
}

#[tokio::test]
async fn the_text_cap_holds_across_the_process_boundary() {
    let bytes = pdf(
        &[&["A line that is long enough to pass the cap"]],
        None,
        no_extra,
    );
    let tight = Limits {
        max_text_bytes: 20,
        ..limits()
    };
    assert_eq!(
        read(bytes, &tight).await.unwrap_err(),
        "The document's text is longer than the 20 bytes limit."
    );
}

#[tokio::test]
async fn a_missing_reader_program_is_reported() {
    let missing = Limits {
        program: "/nonexistent/chatdeck".into(),
        ..limits()
    };
    let error = extract(Format::Pdf, Bytes::from_static(b"%PDF-1.4"), &missing)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ExtractError::PdfReaderUnavailable),
        "{error}"
    );
}
