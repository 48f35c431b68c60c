//! WCAG 2 contrast, so the console can say whether the widget's text is readable on the
//! colours a person picks, and the widget can pick its text colour the same way.

use crate::validate::HexColor;

/// The text colours the widget uses on a coloured background.
pub const LIGHT_TEXT: &str = "#FFFFFF";
pub const DARK_TEXT: &str = "#111827";

/// WCAG AA for normal text.
pub const AA_NORMAL: f64 = 4.5;

fn channel(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.039_28 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Relative luminance of an sRGB colour (0 black … 1 white).
pub fn luminance(color: &HexColor) -> f64 {
    let (r, g, b) = color.rgb();
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// The contrast ratio of two colours, 1 … 21.
pub fn ratio(a: &HexColor, b: &HexColor) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The widget's text colour on `background`: whichever of white and near-black reads better.
pub fn text_on(background: &HexColor) -> &'static str {
    let light = HexColor::parse(LIGHT_TEXT).expect("a valid colour");
    let dark = HexColor::parse(DARK_TEXT).expect("a valid colour");
    if ratio(background, &light) >= ratio(background, &dark) {
        LIGHT_TEXT
    } else {
        DARK_TEXT
    }
}

/// The ratio of the widget's text on `background`, and whether it passes AA.
pub fn widget_text_contrast(background: &HexColor) -> (f64, bool) {
    let text = HexColor::parse(text_on(background)).expect("a valid colour");
    let r = ratio(background, &text);
    (r, r >= AA_NORMAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> HexColor {
        HexColor::parse(s).unwrap()
    }

    #[test]
    fn ratios_match_the_wcag_reference_values() {
        assert!((ratio(&c("#000"), &c("#fff")) - 21.0).abs() < 1e-9);
        assert!((ratio(&c("#777"), &c("#777")) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1 AA boundary.
        let r = ratio(&c("#767676"), &c("#FFFFFF"));
        assert!((r - 4.54).abs() < 0.01, "{r}");
    }

    #[test]
    fn text_colour_follows_the_background() {
        assert_eq!(text_on(&c("#4F46E5")), LIGHT_TEXT);
        assert_eq!(text_on(&c("#FDE68A")), DARK_TEXT);
        let (r, pass) = widget_text_contrast(&c("#4F46E5"));
        assert!(pass && r > 6.0, "{r}");
        let (_, pass) = widget_text_contrast(&c("#10B981"));
        assert!(pass, "emerald takes dark text and passes");
    }
}
