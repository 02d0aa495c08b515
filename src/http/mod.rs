//! HTTP answers the API and the pages build the same way, and what both read the same way
//! (multipart forms with files, `uploads`).

pub mod read_after;
pub mod uploads;

use actix_web::http::header;
use actix_web::HttpResponse;

/// A CSV download (`transactions.csv`), UTF-8.
pub fn csv_download(body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"transactions.csv\"",
        ))
        .body(body)
}

/// A stored file as an HTTP answer: never sniffed by the browser, never run as a page.
pub fn file_response(
    info: &crate::models::attachment::AttachmentInfo,
    bytes: Vec<u8>,
    thumbnail: bool,
) -> HttpResponse {
    let content_type = if thumbnail {
        "image/jpeg"
    } else {
        info.content_type.as_str()
    };
    let inline =
        thumbnail || content_type.starts_with("image/") || content_type == "application/pdf";
    let disposition = header::ContentDisposition {
        disposition: if inline {
            header::DispositionType::Inline
        } else {
            header::DispositionType::Attachment
        },
        parameters: vec![header::DispositionParam::Filename(info.filename.clone())],
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(bytes)
}
