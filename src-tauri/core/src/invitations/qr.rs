//! A member's check-in code as a QR image for the mail (PNG, black on white, with the quiet
//! zone the standard asks for), which the door's scanner reads.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::{CoreError, Result};

/// Pixels per module.
const SCALE: usize = 6;
/// Modules of white around the code (ISO/IEC 18004 asks for 4).
const QUIET: usize = 4;

/// The PNG bytes of `text` as a QR code.
pub fn png(text: &str) -> Result<Vec<u8>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| CoreError::invalid("checkInCode", format!("cannot make a QR code: {e}")))?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    // 8-bit greyscale rows: 0 black, 255 white.
    let mut pixels = vec![255u8; side * side];
    for y in 0..modules {
        for x in 0..modules {
            if colors[y * modules + x] == Color::Dark {
                for dy in 0..SCALE {
                    let row = (QUIET + y) * SCALE + dy;
                    let start = row * side + (QUIET + x) * SCALE;
                    pixels[start..start + SCALE].fill(0);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(2048);
    {
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder
            .write_header()
            .map_err(|e| CoreError::invalid("checkInCode", format!("cannot write a PNG: {e}")))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| CoreError::invalid("checkInCode", format!("cannot write a PNG: {e}")))?;
    }
    Ok(out)
}

/// The image's side in pixels for `text` (for the HTML's width and height).
pub fn side(text: &str) -> usize {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_or(0, |c| (c.width() + 2 * QUIET) * SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_in_code_becomes_a_png() {
        let bytes = png("K7M2Q9X4W1RZ3B8DP5T6Y0VA").expect("a QR code");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(bytes.len() < 4096, "{} bytes", bytes.len());
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().expect("a PNG");
        assert_eq!(
            reader.info().width as usize,
            side("K7M2Q9X4W1RZ3B8DP5T6Y0VA")
        );
    }
}
