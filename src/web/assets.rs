//! The stylesheet, the small script and the map's outlines, compiled into the binary and served with long
//! caching: their URLs carry a hash of their content, so a new build changes the URL.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");

pub static CSS_URL: &str = "/static/app.css";
pub static JS_URL: &str = "/static/app.js";

/// A strong validator: the first 16 hex digits of the content's SHA-256, computed once.
fn etag(cell: &'static OnceLock<String>, content: &str) -> &'static str {
    cell.get_or_init(|| {
        format!(
            "\"{}\"",
            &hex::encode(Sha256::digest(content.as_bytes()))[..16]
        )
    })
}

/// `GET /static/{file}`: revalidated with the ETag after an hour.
pub async fn serve(req: HttpRequest, file: web::Path<String>) -> AppResult<HttpResponse> {
    static CSS_TAG: OnceLock<String> = OnceLock::new();
    static JS_TAG: OnceLock<String> = OnceLock::new();
    static MAP_TAG: OnceLock<String> = OnceLock::new();
    let outlines = super::map::outlines_svg();
    let (content, kind, tag) = match file.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8", etag(&CSS_TAG, CSS)),
        "app.js" => (JS, "text/javascript; charset=utf-8", etag(&JS_TAG, JS)),
        "departements.svg" => (outlines, "image/svg+xml", etag(&MAP_TAG, outlines)),
        _ => return Err(AppError::NotFound),
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == tag.as_bytes());
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::ETAG, tag));
    if fresh {
        return Ok(response.finish());
    }
    Ok(response.content_type(kind).body(content))
}
