//! Conversations before agreeing, and files on listings, messages and exchanges.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::json::Json;
use crate::auth::{Caller, ClientAddress, MaybeCaller};
use crate::domain::account::Locale;
use crate::error::{AppError, AppResult, Problem};
use crate::http::uploads;
use crate::i18n::words;
use crate::models::attachment::Parent;
use crate::models::ids::{ExchangeId, ListingId};
use crate::ops::attachments;
use crate::ops::conversations::{self, Upload};
use crate::ops::limits::Requester;
use crate::state::AppState;
use crate::views::conversations::{
    AttachmentView, ConversationList, ConversationView, MessagePage, MessageView,
};

/// The API speaks English (pages and emails speak the reader's language).
fn english() -> crate::i18n::Words {
    words(Locale::En)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

fn limit_of(limit: Option<i64>) -> AppResult<i64> {
    match limit {
        None => Ok(20),
        Some(n) if (1..=100).contains(&n) => Ok(n),
        Some(_) => Err(AppError::invalid_field(
            "limit",
            crate::domain::Invalid::new("range")
                .with("min", 1)
                .with("max", 100),
        )),
    }
}

/// My conversations (those with at least one message), newest activity first, each with
/// how many messages I have not read.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = ConversationList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`range` (limit), `invalid_cursor`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let limit = limit_of(query.limit)?;
    let list = state
        .run(move |conn, _| {
            conversations::mine(conn, &caller, query.cursor.as_deref(), limit, english())
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A conversation: what it is about, its participants, my unread count. Its id names its
/// subject: `match-12`, `proposal-3`, `contact-5` (a takeover's contact request) or
/// `exchange-7`. 404 for anybody who does not take part.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "`match-12`, `proposal-3`, `contact-5` or `exchange-7`", pattern = "^(match|proposal|contact|exchange)-[1-9][0-9]{0,17}$")),
    responses(
        (status = 200, body = ConversationView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .run(move |conn, _| conversations::show(conn, &caller, &id, english()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// The previous page's `next_cursor`: older messages.
    pub before: Option<i64>,
    /// 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A conversation's messages, newest first, with their files.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id"), MessagesQuery),
    responses(
        (status = 200, body = MessagePage),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`range` (limit)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn messages(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<MessagesQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let query = query.into_inner();
    let limit = match query.limit {
        None => 50,
        some => limit_of(some)?,
    };
    let page = state
        .run(move |conn, _| {
            conversations::messages(conn, &caller, &id, query.before, limit, english())
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Bonjour, quel est le taux d'humidité des chutes de chêne ?"}))]
pub struct NewMessage {
    /// 1 to 5,000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

/// Write in a conversation: JSON `{body}`, or `multipart/form-data` with a `body` field and
/// up to ten `file` fields (photos and documents, 10 MB each). The other participants are
/// told by email a few minutes later, one email for the messages written meanwhile.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    request_body(content = NewMessage, description = "JSON, or multipart/form-data with `body` and `file` fields"),
    responses(
        (status = 201, body = MessageView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: a file over 10 MB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`message_required`, `message_too_long`, `file_type`, `too_many_files`, `image_unreadable`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn post(
    state: web::Data<AppState>,
    caller: Caller,
    address: ClientAddress,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (body, files) = if uploads::is_multipart(&req) {
        let form = uploads::read(&req, payload).await?;
        (form.text("body"), form.files)
    } else {
        let mut payload = payload.into_inner();
        let Json(message) =
            <Json<NewMessage> as actix_web::FromRequest>::from_request(&req, &mut payload).await?;
        (message.body, Vec::new())
    };
    let requester = Requester::at(address.limit_key());
    let view = state
        .run(move |conn, env| {
            conversations::post(
                conn,
                env,
                &caller,
                &requester,
                &id,
                conversations::NewMessage { body, files },
                english(),
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Mark every message of the conversation read.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/read", tag = "conversations", security(("bearer" = [])),
    params(("id" = String, Path, description = "The conversation's id")),
    responses(
        (status = 204, description = "Read"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    state
        .run(move |conn, _| conversations::read(conn, &caller, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The files sent as `file` fields of a multipart form.
pub(super) async fn files_of(req: &HttpRequest, payload: web::Payload) -> AppResult<Vec<Upload>> {
    if !uploads::is_multipart(req) {
        return Err(AppError::UnsupportedMediaType);
    }
    Ok(uploads::read(req, payload).await?.files)
}

/// Attach photos or documents to a listing (its managers): `multipart/form-data`, one or
/// more `file` fields; at most ten files per listing. The type is read from the content;
/// photos lose their metadata (EXIF, GPS).
#[utoipa::path(post, path = "/api/v1/listings/{id}/attachments", tag = "listings", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the listing")),
    request_body(content = String, content_type = "multipart/form-data", description = "`file` fields"),
    responses(
        (status = 201, body = Vec<AttachmentView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_listing_manager`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`file_type`, `too_many_files`, `image_unreadable`, `required`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn attach_to_listing(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ListingId>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let files = files_of(&req, payload).await?;
    let stored = state
        .run(move |conn, _| attachments::add(conn, &caller, Parent::Listing(id), files))
        .await?;
    Ok(HttpResponse::Created().json(stored))
}

/// Attach documents (a signed agreement, a delivery note) or photos to an exchange (its
/// parties and their coordinators); at most ten per exchange.
#[utoipa::path(post, path = "/api/v1/exchanges/{id}/attachments", tag = "exchanges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the exchange")),
    request_body(content = String, content_type = "multipart/form-data", description = "`file` fields"),
    responses(
        (status = 201, body = Vec<AttachmentView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_exchange_party`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`file_type`, `too_many_files`, `image_unreadable`, `required`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn attach_to_exchange(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<ExchangeId>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let files = files_of(&req, payload).await?;
    let stored = state
        .run(move |conn, _| attachments::add(conn, &caller, Parent::Exchange(id), files))
        .await?;
    Ok(HttpResponse::Created().json(stored))
}

/// The files of a listing you may see in full (none in a takeover's teaser).
#[utoipa::path(get, path = "/api/v1/listings/{id}/attachments", tag = "listings",
    params(("id" = i64, Path, description = "Id of the listing")),
    responses(
        (status = 200, body = Vec<AttachmentView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn of_listing(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<ListingId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .run(move |conn, _| {
            crate::ops::listings::show(conn, caller.0.as_ref(), id)?;
            attachments::of_listing(conn, caller.0.as_ref(), id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// The photo's thumbnail (a JPEG of at most 320 px) instead of the file.
    pub thumbnail: Option<bool>,
}

/// Download a file: only who may see its listing (in full), exchange or conversation.
/// Served with its type as read from the content, `Content-Disposition` and
/// `X-Content-Type-Options: nosniff`; PDFs and photos open in the browser, other documents
/// download.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "conversations",
    params(("id" = i64, Path, description = "Id of the file"), DownloadQuery),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn download(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    id: web::Path<i64>,
    query: web::Query<DownloadQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let thumbnail = query.thumbnail.unwrap_or(false);
    let (info, bytes) = state
        .run(move |conn, _| attachments::download(conn, caller.0.as_ref(), id, thumbnail))
        .await?;
    Ok(crate::http::file_response(&info, bytes, thumbnail))
}
