//! A member's check-in code as a QR image for the mail (PNG, black on white, with the quiet
//! zone the standard asks for), which the door's scanner reads.
//!
//! The symbol is built with the `qrcode` crate's parts (segments, error correction, canvas,
//! masks); the mask is chosen here, by the penalty rules of ISO/IEC 18004:2015 §7.8.3 over a
//! plain grid. The crate's own choice scores the same rules through a boxed closure per module
//! and was most of the time it took to render an invitation (0.2 ms a code of 0.5 ms a mail).

use qrcode::bits;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::ec;
use qrcode::{Color, EcLevel};

use crate::error::{CoreError, Result};

/// Pixels per module.
const SCALE: usize = 6;
/// Modules of white around the code (ISO/IEC 18004 asks for 4).
const QUIET: usize = 4;
const LEVEL: EcLevel = EcLevel::M;

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// A QR code as a PNG, with its side in pixels (for the HTML's width and height).
#[derive(Debug, Clone)]
pub struct Image {
    pub png: Vec<u8>,
    pub side: usize,
}

fn qr_error(e: qrcode::types::QrError) -> CoreError {
    CoreError::invalid("checkInCode", format!("cannot make a QR code: {e}"))
}

/// `text`'s symbol before masking, and its width in modules.
fn unmasked(text: &str) -> Result<(Canvas, usize)> {
    let bits = bits::encode_auto(text.as_bytes(), LEVEL).map_err(qr_error)?;
    let version = bits.version();
    let (data, correction) =
        ec::construct_codewords(&bits.into_bytes(), version, LEVEL).map_err(qr_error)?;
    let mut canvas = Canvas::new(version, LEVEL);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &correction);
    Ok((canvas, version.width().unsigned_abs() as usize))
}

/// The modules with `mask` applied (and its format information drawn), row by row, `true`
/// dark.
fn masked(canvas: &Canvas, mask: MaskPattern) -> Vec<bool> {
    let mut masked = canvas.clone();
    masked.apply_mask(mask);
    masked
        .into_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect()
}

/// The modules of `text` as a QR code (row by row, `true` dark) and the width in modules.
pub fn modules(text: &str) -> Result<(Vec<bool>, usize)> {
    let (canvas, width) = unmasked(text)?;
    let best = MASKS
        .iter()
        .map(|&mask| {
            let dark = masked(&canvas, mask);
            (penalty(&dark, width), dark)
        })
        // The first of equal scores, as the standard's order of masks has it.
        .min_by_key(|(score, _)| *score)
        .map(|(_, dark)| dark)
        .unwrap_or_default();
    Ok((best, width))
}

/// The penalty of a masked symbol (ISO/IEC 18004:2015 §7.8.3.1): runs of five or more modules
/// of one colour in a row or column (N1 = 3, plus one for each module beyond five), 2×2 blocks
/// of one colour (N2 = 3 each), finder-like 1:1:3:1:1 patterns with four light modules on a
/// side (N3 = 40 each; outside the symbol is light) and the dark share's distance from half
/// (N4 = 10 for each whole 5 %).
fn penalty(dark: &[bool], width: usize) -> u32 {
    let at = |x: usize, y: usize| dark[y * width + x];
    let mut score = 0;
    let mut line = vec![false; width];
    for horizontal in [true, false] {
        for i in 0..width {
            for (j, module) in line.iter_mut().enumerate() {
                *module = if horizontal { at(j, i) } else { at(i, j) };
            }
            score += runs(&line) + finders(&line);
        }
    }
    for y in 0..width - 1 {
        for x in 0..width - 1 {
            let c = at(x, y);
            if at(x + 1, y) == c && at(x, y + 1) == c && at(x + 1, y + 1) == c {
                score += 3;
            }
        }
    }
    let darks = dark.iter().filter(|d| **d).count();
    let percent = darks * 100 / dark.len();
    score + (percent.abs_diff(50) / 5) as u32 * 10
}

fn runs(line: &[bool]) -> u32 {
    let mut score = 0;
    let mut run = 1;
    for k in 1..=line.len() {
        if k < line.len() && line[k] == line[k - 1] {
            run += 1;
        } else {
            if run >= 5 {
                score += run - 2;
            }
            run = 1;
        }
    }
    score
}

fn finders(line: &[bool]) -> u32 {
    const PATTERN: [bool; 7] = [true, false, true, true, true, false, true];
    let light = |k: usize| line.get(k).is_none_or(|d| !d);
    let mut score = 0;
    for (j, window) in line.windows(PATTERN.len()).enumerate() {
        if window == PATTERN {
            let before = (j.saturating_sub(4)..j).all(light);
            let after = (j + 7..j + 11).all(light);
            if before || after {
                score += 40;
            }
        }
    }
    score
}

/// `text` as a QR code image.
pub fn image(text: &str) -> Result<Image> {
    let (dark, modules) = modules(text)?;
    let side = (modules + 2 * QUIET) * SCALE;
    // 8-bit greyscale rows: 0 black, 255 white.
    let mut pixels = vec![255u8; side * side];
    for y in 0..modules {
        for x in 0..modules {
            if dark[y * modules + x] {
                for dy in 0..SCALE {
                    let row = (QUIET + y) * SCALE + dy;
                    let start = row * side + (QUIET + x) * SCALE;
                    pixels[start..start + SCALE].fill(0);
                }
            }
        }
    }
    let png_error = |e: png::EncodingError| {
        CoreError::invalid("checkInCode", format!("cannot write a PNG: {e}"))
    };
    let mut out = Vec::with_capacity(2048);
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().map_err(png_error)?;
        writer.write_image_data(&pixels).map_err(png_error)?;
    }
    Ok(Image { png: out, side })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_in_code_becomes_a_png() {
        let image = image("K7M2Q9X4W1RZ3B8DP5T6Y0VA").expect("a QR code");
        assert_eq!(&image.png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(image.png.len() < 4096, "{} bytes", image.png.len());
        let decoder = png::Decoder::new(std::io::Cursor::new(image.png));
        let reader = decoder.read_info().expect("a PNG");
        // 25 modules (24 letters and digits fit version 2 at level M) and the quiet zone.
        assert_eq!(image.side, (25 + 2 * QUIET) * SCALE);
        assert_eq!(reader.info().width as usize, image.side);
        assert_eq!(reader.info().height as usize, image.side);
    }

    #[test]
    fn the_penalty_counts_each_rule_of_the_standard() {
        // Runs: five alike score 3, seven alike 5, four nothing.
        assert_eq!(runs(&[true; 5]), 3);
        assert_eq!(runs(&[false; 7]), 5);
        assert_eq!(runs(&[true, true, true, true, false]), 0);
        // A finder-like pattern with four light modules after it (or the symbol's edge
        // before it) scores 40; one squeezed between dark modules does not.
        let finder = [true, false, true, true, true, false, true];
        let mut open = finder.to_vec();
        open.extend([false; 4]);
        assert_eq!(finders(&open), 40);
        let mut closed = vec![true, false, true, false, true];
        closed.extend(finder);
        closed.extend([true, false, true, false]);
        assert_eq!(finders(&closed), 0);
        // A 2x2 grid of one colour: one block (3), and all dark is 50 % off half (100).
        assert_eq!(penalty(&[true; 4], 2), 3 + 100);
        // A checkerboard: no runs, no blocks, half dark.
        let board: Vec<bool> = (0..36).map(|i| (i / 6 + i % 6) % 2 == 0).collect();
        assert_eq!(penalty(&board, 6), 0);
    }

    #[test]
    fn the_chosen_mask_scores_lowest_and_keeps_the_finder_patterns() {
        let (dark, width) = modules("K7M2Q9X4W1RZ3B8DP5T6Y0VA").expect("a QR code");
        assert_eq!(width, 25);
        // The three finder patterns are in their corners, whatever the mask.
        for (x0, y0) in [(0, 0), (width - 7, 0), (0, width - 7)] {
            for y in 0..7 {
                for x in 0..7 {
                    let ring = x.min(y).min(6 - x).min(6 - y);
                    assert_eq!(dark[(y0 + y) * width + x0 + x], ring != 1, "({x}, {y})");
                }
            }
        }
        let chosen = penalty(&dark, width);
        let (canvas, _) = unmasked("K7M2Q9X4W1RZ3B8DP5T6Y0VA").expect("a symbol");
        let scores: Vec<u32> = MASKS
            .iter()
            .map(|&mask| penalty(&masked(&canvas, mask), width))
            .collect();
        assert_eq!(Some(&chosen), scores.iter().min(), "{scores:?}");
        // The masks differ, so the choice means something.
        assert!(scores.iter().any(|s| *s != chosen), "{scores:?}");
    }
}
