//! HTTP answers the API and the pages build the same way.

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
