//! Bytes of a text format to a `String`: a byte order mark decides, then strict UTF-8, then
//! chardetng's guess among the legacy encodings (Windows-1252, Shift_JIS, GBK, …), decoded
//! by encoding_rs. Whatever decodes but still looks like binary is refused.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;

use super::ExtractError;

pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ExtractError> {
    let text = decode_any(bytes);
    if looks_binary(&text) {
        return Err(ExtractError::NotText);
    }
    Ok(text)
}

fn decode_any(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom_length..]).0;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // Not UTF-8 (checked above), so UTF-8 is no candidate.
    let encoding = detector.guess(None, Utf8Detection::Deny);
    encoding.decode_without_bom_handling(bytes).0
}

/// Text has no NUL, and control characters or undecodable bytes (U+FFFD) are rare in it.
/// Executables, images and archives decode as some legacy encoding too, but they are full
/// of both.
fn looks_binary(text: &str) -> bool {
    let mut chars = 0usize;
    let mut suspicious = 0usize;
    for c in text.chars() {
        chars += 1;
        match c {
            '\0' => return true,
            '\t' | '\n' | '\r' | '\u{c}' => {}
            '\u{fffd}' => suspicious += 1,
            c if c.is_control() => suspicious += 1,
            _ => {}
        }
    }
    suspicious > 0 && suspicious * 100 >= chars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_taken_as_is_without_copying() {
        let text = decode("héllo — 日本".as_bytes()).unwrap();
        assert!(matches!(text, Cow::Borrowed("héllo — 日本")));
    }

    #[test]
    fn byte_order_marks_decide_the_encoding() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in "Grüße, 世界".encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap(), "Grüße, 世界");
        assert_eq!(decode(&be).unwrap(), "Grüße, 世界");
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend("café".as_bytes());
        assert_eq!(decode(&utf8).unwrap(), "café");
    }

    #[test]
    fn legacy_encodings_are_detected() {
        let french = "Le café était très animé; à côté, un garçon lisait «Les Misérables» \
                      près de la fenêtre. Déjà l'été!";
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(french);
        assert!(std::str::from_utf8(&latin).is_err());
        assert_eq!(decode(&latin).unwrap(), french);

        let japanese = "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。\
                        何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。";
        let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(japanese);
        assert!(!unmappable);
        assert_eq!(decode(&sjis).unwrap(), japanese);
    }

    #[test]
    fn binary_is_not_text() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        assert!(matches!(decode(png), Err(ExtractError::NotText)));
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
            .collect();
        assert!(matches!(decode(&noise), Err(ExtractError::NotText)));
        // One stray control character in a page of prose is still prose.
        let mut prose = "words ".repeat(100);
        prose.push('\u{7}');
        assert!(decode(prose.as_bytes()).is_ok());
    }
}
