//! The inbox, a conversation's page (messages oldest to newest, a form to write with
//! files), files added to listings, exchanges and library resources from their pages, attachments served to
//! the session, and the one-click follow-up of an exchange (a page with one button: a mail
//! scanner that opens links changes nothing).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::confirm::redirect_with;
use super::{csrf, Ctx, FormErrors, Web};
use crate::error::{AppError, AppResult};
use crate::http::uploads;
use crate::models::attachment::Parent;
use crate::models::ids::{ExchangeId, ListingId, ResourceId};
use crate::ops::conversations::{self as ops};
use crate::ops::{attachments, follow_up};
use crate::views::conversations::{ConversationList, ConversationView, MessageView};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/conversations", web::get().to(inbox))
        .route("/conversations/{id}", web::get().to(show))
        .route("/conversations/{id}", web::post().to(write))
        .route(
            "/listings/{id}/attachments",
            web::post().to(attach_to_listing),
        )
        .route(
            "/exchanges/{id}/attachments",
            web::post().to(attach_to_exchange),
        )
        .route(
            "/library/{id}/attachments",
            web::post().to(attach_to_resource),
        )
        .route("/files/{id}", web::get().to(file))
        .route("/exchanges/{id}/follow-up", web::get().to(follow_up_page))
        .route("/exchanges/{id}/follow-up", web::post().to(follow_up_apply));
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    ctx: Ctx,
    list: ConversationList,
}

async fn inbox(web: Web) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let words = web.words();
    let list = web
        .run(move |conn, _| ops::mine(conn, &caller, None, 100, words))
        .await?;
    web.page(&InboxPage {
        ctx: web.ctx.clone(),
        list,
    })
}

#[derive(Template)]
#[template(path = "conversation.html")]
struct ConversationPage {
    ctx: Ctx,
    conversation: ConversationView,
    /// Oldest first.
    messages: Vec<MessageView>,
    body: String,
    errors: FormErrors,
}

impl ConversationPage {
    /// What the conversation is about, in words ("Mise en relation", "Échange").
    fn about(&self) -> String {
        self.ctx.t(&format!(
            "conversation-about-{}",
            self.conversation.subject_kind
        ))
    }
}

async fn conversation_page(
    web: &Web,
    id: String,
    body: String,
    errors: FormErrors,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let words = web.words();
    let (conversation, mut messages) = web
        .run(move |conn, _| {
            let page = ops::messages(conn, &caller, &id, None, 100, words)?;
            let view = ops::show(conn, &caller, &id, words)?;
            // Seen on the page: read.
            ops::read(conn, &caller, &id)?;
            Ok((view, page.items))
        })
        .await?;
    messages.reverse();
    web.page_with(
        errors.status(),
        &ConversationPage {
            ctx: web.ctx.clone(),
            conversation,
            messages,
            body,
            errors,
        },
    )
}

async fn show(web: Web, id: web::Path<String>) -> AppResult<HttpResponse> {
    conversation_page(&web, id.into_inner(), String::new(), FormErrors::default()).await
}

/// A multipart form of the pages: read, and its CSRF token checked before anything else.
async fn checked_form(
    web: &Web,
    req: &HttpRequest,
    payload: web::Payload,
) -> AppResult<uploads::Form> {
    let form = uploads::read(req, payload).await?;
    if !csrf::verify(&web.state, req, web.caller.as_ref(), &form.text("csrf")) {
        return Err(AppError::forbidden("csrf_refused"));
    }
    Ok(form)
}

async fn write(
    web: Web,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let id = id.into_inner();
    let form = checked_form(&web, &req, payload).await?;
    let body = form.text("body");
    let requester = web.requester();
    let words = web.words();
    let (target, text) = (id.clone(), body.clone());
    let answer = web
        .run(move |conn, env| {
            ops::post(
                conn,
                env,
                &caller,
                &requester,
                &target,
                ops::NewMessage {
                    body: text,
                    files: form.files,
                },
                words,
            )
        })
        .await;
    match answer {
        Ok(_) => Ok(redirect_with(
            &web.state,
            &format!("/conversations/{id}#last"),
            "message-sent",
        )),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            conversation_page(&web, id, body, errors).await
        }
    }
}

async fn attach(
    web: Web,
    parent: Parent,
    back: String,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let caller = web.require()?;
    let form = checked_form(&web, &req, payload).await?;
    let answer = web
        .run(move |conn, _| attachments::add(conn, &caller, parent, form.files))
        .await;
    match answer {
        Ok(_) => Ok(redirect_with(&web.state, &back, "files-added")),
        Err(error) => {
            let errors = FormErrors::from_error(error, web.words())?;
            let message = errors
                .fields
                .first()
                .map(|f| f.message.clone())
                .or(errors.general)
                .unwrap_or_default();
            Err(AppError::Conflict(
                crate::error::Refusal::new("file_refused").with("reason", message),
            ))
        }
    }
}

async fn attach_to_listing(
    web: Web,
    id: web::Path<ListingId>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    attach(
        web,
        Parent::Listing(id),
        format!("/listings/{id}#files"),
        req,
        payload,
    )
    .await
}

async fn attach_to_resource(
    web: Web,
    id: web::Path<ResourceId>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    attach(
        web,
        Parent::Resource(id),
        format!("/library/{id}#files"),
        req,
        payload,
    )
    .await
}

async fn attach_to_exchange(
    web: Web,
    id: web::Path<ExchangeId>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    attach(
        web,
        Parent::Exchange(id),
        format!("/exchanges/{id}#files"),
        req,
        payload,
    )
    .await
}

#[derive(Deserialize)]
struct FileQuery {
    #[serde(default)]
    thumbnail: bool,
}

/// A file for the session (the API's download, with the page's cookie).
async fn file(
    web: Web,
    id: web::Path<i64>,
    query: web::Query<FileQuery>,
) -> AppResult<HttpResponse> {
    let caller = web.caller.clone();
    let id = id.into_inner();
    let thumbnail = query.thumbnail;
    let (info, bytes) = web
        .run(move |conn, _| attachments::download(conn, caller.as_ref(), id, thumbnail))
        .await?;
    Ok(crate::http::file_response(&info, bytes, thumbnail))
}

#[derive(Deserialize)]
struct FollowUpQuery {
    #[serde(default)]
    to: String,
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "follow_up.html")]
struct FollowUpPage {
    ctx: Ctx,
    title: String,
    to: String,
    token: String,
    id: ExchangeId,
    done: bool,
}

async fn follow_up_page(
    web: Web,
    id: web::Path<ExchangeId>,
    query: web::Query<FollowUpQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let FollowUpQuery { to, token } = query.into_inner();
    let (t, k) = (to.clone(), token.clone());
    let checked = web
        .run(move |conn, env| follow_up::check(conn, env, id, &t, &k))
        .await?;
    web.page(&FollowUpPage {
        ctx: web.ctx.clone(),
        title: checked.exchange.title,
        to,
        token,
        id,
        done: false,
    })
}

/// The follow-up's button: the signed link is the credential (no session needed); the
/// token in the form is checked again, and used once.
async fn follow_up_apply(
    web: Web,
    id: web::Path<ExchangeId>,
    form: web::Form<FollowUpQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let FollowUpQuery { to, token } = form.into_inner();
    let (t, k) = (to.clone(), token.clone());
    let moved = web
        .run(move |conn, env| follow_up::apply(conn, env, id, &t, &k))
        .await?;
    web.page(&FollowUpPage {
        ctx: web.ctx.clone(),
        title: moved.title,
        to,
        token: String::new(),
        id,
        done: true,
    })
}
