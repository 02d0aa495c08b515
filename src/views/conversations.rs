//! Conversations and their messages as the API and the pages show them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// One side of a conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    /// The enterprise's name (a takeover's seller not yet disclosed: its teaser's name),
    /// or a pôle's coordination.
    pub name: String,
    /// `enterprise` or `coordinators`.
    pub role: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationView {
    /// `match-12`, `proposal-3`, `contact-5` or `exchange-7`.
    #[schema(example = "match-12")]
    pub id: String,
    /// `match`, `proposal`, `contact` or `exchange`.
    pub subject_kind: String,
    pub subject_id: i64,
    /// What it is about: the listing's or the exchange's title.
    pub title: String,
    /// The page it is about.
    #[schema(example = "/listings/12")]
    pub link: String,
    pub participants: Vec<ParticipantView>,
    /// Messages from others the caller has not read.
    pub unread: i64,
    pub last_message_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationList {
    pub items: Vec<ConversationView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Who wrote a message, as the reader may know it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorView {
    /// The person's name, or the teaser's name of a takeover's undisclosed seller.
    pub name: String,
    /// The enterprise written for, or the coordination.
    pub organisation: Option<String>,
    /// Written by the caller.
    pub me: bool,
}

/// A file attached to a listing, a message or an exchange.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub filename: String,
    /// As read from the content (`image/jpeg`, `application/pdf`, …).
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    #[schema(example = "/api/v1/attachments/3")]
    pub url: String,
    /// A JPEG of at most 320 px, for photos.
    pub thumbnail_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub author: AuthorView,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessagePage {
    /// Newest first.
    pub items: Vec<MessageView>,
    /// Pass as `before` for older messages; null on the last page.
    pub next_cursor: Option<String>,
}

impl AttachmentView {
    /// A stored file as the API shows it, with its download (and thumbnail) address.
    pub fn of(info: &crate::models::attachment::AttachmentInfo) -> AttachmentView {
        AttachmentView {
            id: info.id,
            filename: info.filename.clone(),
            content_type: info.content_type.clone(),
            size: info.size as i64,
            url: format!("/api/v1/attachments/{}", info.id),
            thumbnail_url: info
                .content_type
                .starts_with("image/")
                .then(|| format!("/api/v1/attachments/{}?thumbnail=true", info.id)),
        }
    }
}
