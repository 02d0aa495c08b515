//! What files may be attached, decided from their content: photos (PNG, JPEG, WebP) and
//! documents (PDF, ODT, ODS, DOCX, XLSX), up to 10 MB each and 10 per listing, message or
//! exchange. The type is read from the bytes (`infer`, magic numbers and, for office
//! documents, the entries of their zip), never from the name: a program renamed `.pdf` is
//! refused. Photos are decoded and encoded again (`image`), which drops their metadata
//! (EXIF, GPS position, camera), after turning them upright as their EXIF orientation said;
//! each gets a JPEG thumbnail of at most 320 px.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::Invalid;

/// The largest file, in bytes (10 MiB).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The most files on one listing, message or exchange.
pub const MAX_PER_PARENT: usize = 10;
/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_PX: u32 = 320;

/// The content types accepted, as read from the content.
pub const ACCEPTED: [&str; 8] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// A file ready to keep: its type, its bytes (a photo without its metadata) and a
/// thumbnail for photos.
#[derive(Debug)]
pub struct AcceptedFile {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub thumbnail: Option<Vec<u8>>,
}

/// Checks and cleans a file. Refusals: `file_empty`, `file_too_large` (over
/// [`MAX_BYTES`]), `file_type` (not one of [`ACCEPTED`] by its content), `image_unreadable`
/// (a photo that does not decode).
pub fn accept(filename: &str, bytes: Vec<u8>) -> Result<AcceptedFile, Invalid> {
    if bytes.is_empty() {
        return Err(Invalid::new("file_empty"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(Invalid::new("file_too_large").with("max_mb", (MAX_BYTES / 1024 / 1024) as i64));
    }
    let sniffed = infer::get(&bytes).map(|kind| kind.mime_type());
    let content_type = ACCEPTED
        .iter()
        .copied()
        .find(|accepted| Some(*accepted) == sniffed)
        .ok_or_else(|| Invalid::new("file_type"))?;
    let filename = clean_filename(filename);
    let format = match content_type {
        "image/png" => Some(ImageFormat::Png),
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/webp" => Some(ImageFormat::WebP),
        _ => None,
    };
    let Some(format) = format else {
        return Ok(AcceptedFile {
            filename,
            content_type,
            bytes,
            thumbnail: None,
        });
    };
    let image = decode_upright(&bytes, format).ok_or_else(|| Invalid::new("image_unreadable"))?;
    let cleaned = encode(&image, format).ok_or_else(|| Invalid::new("image_unreadable"))?;
    let thumbnail = encode(
        &DynamicImage::ImageRgb8(image.thumbnail(THUMBNAIL_PX, THUMBNAIL_PX).to_rgb8()),
        ImageFormat::Jpeg,
    );
    Ok(AcceptedFile {
        filename,
        content_type,
        bytes: cleaned,
        thumbnail,
    })
}

fn decode_upright(bytes: &[u8], format: ImageFormat) -> Option<DynamicImage> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Some(image)
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Option<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    let image = match format {
        // JPEG has no alpha channel.
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(image.to_rgb8()),
        _ => image.clone(),
    };
    image.write_to(&mut out, format).ok()?;
    Some(out.into_inner())
}

/// The name kept for a file: its last path component, without control characters, at most
/// 200 characters; "fichier" when nothing is left.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "fichier".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::new_rgb8(width, height);
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn the_type_comes_from_the_content_not_the_name() {
        let photo = accept("photo.pdf", png(40, 30)).unwrap();
        assert_eq!(photo.content_type, "image/png");
        assert!(photo.thumbnail.is_some());
        let pdf = accept("devis.png", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec()).unwrap();
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf.thumbnail.is_none());
        // An ELF program renamed .pdf.
        let program = [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0].to_vec();
        assert_eq!(
            accept("facture.pdf", program).unwrap_err().code,
            "file_type"
        );
        assert_eq!(
            accept("vide.pdf", Vec::new()).unwrap_err().code,
            "file_empty"
        );
    }

    #[test]
    fn a_file_over_ten_megabytes_is_refused() {
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        assert_eq!(accept("gros.pdf", big).unwrap_err().code, "file_too_large");
    }

    #[test]
    fn thumbnails_are_small_and_names_lose_their_path() {
        let photo = accept("grand.png", png(1200, 600)).unwrap();
        let thumbnail = image::load_from_memory(&photo.thumbnail.unwrap()).unwrap();
        assert_eq!((thumbnail.width(), thumbnail.height()), (320, 160));
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\photos\\chêne.jpg"), "chêne.jpg");
        assert_eq!(clean_filename("\u{0}"), "fichier");
    }
}
