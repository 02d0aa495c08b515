//! Files on listings, exchanges and the library's resources (a message's files come with it, see
//! `ops::conversations::post`), and who may download a file: whoever may see its parent in
//! full. A listing's files are its managers' to add and everyone's who sees the listing in
//! full (never a takeover's teaser: a photo would give the seller away); an exchange's are
//! its parties' and their coordinators'; a resource's, its editors' to add and its
//! readers' to read; a message's, its conversation's participants'.
//! Others get 404, as for the parent itself.

use diesel::{Connection, PgConnection};

use super::access::{disclosure_for, managed_by};
use super::conversations::{self, accept_files, Upload};
use crate::auth::Caller;
use crate::domain::files::MAX_PER_PARENT;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::attachment::{self, AttachmentInfo, NewAttachment, Parent};
use crate::models::ids::{ExchangeId, ListingId};
use crate::models::{conversation, exchange, listing};
use crate::views::conversations::AttachmentView;
use crate::views::listings::Disclosure;

/// May the caller see this parent in full? `Ok(false)` when not (the caller gets 404).
fn may_see(conn: &mut PgConnection, caller: Option<&Caller>, parent: Parent) -> AppResult<bool> {
    match parent {
        Parent::Listing(id) => {
            let found = listing::find(conn, id)?;
            let managed = managed_by(conn, caller)?;
            Ok(disclosure_for(conn, caller, &managed, &found)? == Some(Disclosure::Full))
        }
        Parent::Exchange(id) => {
            let Some(caller) = caller else {
                return Ok(false);
            };
            let found = exchange::find(conn, id)?;
            Ok(super::exchanges::access(conn, caller, &found)? != super::exchanges::Access::None)
        }
        Parent::Message(id) => {
            let Some(caller) = caller else {
                return Ok(false);
            };
            let Some(found) = conversation::conversation_of_message(conn, id)? else {
                return Ok(false);
            };
            let Some(subject) = found.subject() else {
                return Ok(false);
            };
            let p = conversations::participants(conn, subject)?;
            Ok(conversations::seat(conn, caller, &p).is_ok())
        }
        Parent::Resource(id) => super::resources::may_read(conn, caller, id),
    }
}

/// The files of a listing the caller may see in full (none for a teaser).
pub fn of_listing(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    id: ListingId,
) -> AppResult<Vec<AttachmentView>> {
    if !may_see(conn, caller, Parent::Listing(id))? {
        return Ok(Vec::new());
    }
    Ok(attachment::of_parent(conn, Parent::Listing(id))?
        .iter()
        .map(AttachmentView::of)
        .collect())
}

/// The files of an exchange the caller follows.
pub fn of_exchange(
    conn: &mut PgConnection,
    caller: &Caller,
    id: ExchangeId,
) -> AppResult<Vec<AttachmentView>> {
    if !may_see(conn, Some(caller), Parent::Exchange(id))? {
        return Err(AppError::NotFound);
    }
    Ok(attachment::of_parent(conn, Parent::Exchange(id))?
        .iter()
        .map(AttachmentView::of)
        .collect())
}

/// Adds files to a listing (its managers) or an exchange (its parties and their
/// coordinators) or a resource (its author, its pôle's coordinators, admins); at most ten
/// per parent. 404 for who may not see the parent, 403
/// `not_listing_manager` / `not_exchange_party` / `not_resource_editor` for who sees it but may not add; 422
/// `file_type`, `too_many_files`, `image_unreadable`; 413 over 10 MB.
pub fn add(
    conn: &mut PgConnection,
    caller: &Caller,
    parent: Parent,
    uploads: Vec<Upload>,
) -> AppResult<Vec<AttachmentView>> {
    match parent {
        Parent::Listing(id) => {
            let found = listing::find(conn, id)?;
            let managed = managed_by(conn, Some(caller))?;
            if !managed.contains(&found.enterprise_id) {
                return if disclosure_for(conn, Some(caller), &managed, &found)?.is_some() {
                    Err(AppError::forbidden("not_listing_manager"))
                } else {
                    Err(AppError::NotFound)
                };
            }
        }
        Parent::Exchange(id) => {
            let found = exchange::find(conn, id)?;
            super::exchanges::require(conn, caller, &found, super::exchanges::Access::Act)?;
        }
        Parent::Resource(id) => super::resources::require_editor(conn, caller, id)?,
        Parent::Message(_) => return Err(AppError::NotFound),
    }
    if uploads.is_empty() {
        return Err(AppError::invalid_field("file", Invalid::new("required")));
    }
    let mut errors = FieldErrors::new();
    let accepted = accept_files(&mut errors, uploads)?;
    errors.finish()?;
    conn.transaction(|conn| {
        // Uploads to one parent count its files one after the other.
        attachment::lock_parent(conn, parent)?;
        let existing = attachment::of_parent(conn, parent)?.len();
        if existing + accepted.len() > MAX_PER_PARENT {
            return Err(AppError::invalid_field(
                "file",
                Invalid::new("too_many_files").with("max", MAX_PER_PARENT as i64),
            ));
        }
        let mut stored = Vec::new();
        for file in &accepted {
            let info = attachment::insert(
                conn,
                NewAttachment {
                    parent,
                    filename: &file.filename,
                    content_type: file.content_type,
                    content: &file.bytes,
                    thumbnail: file.thumbnail.as_deref(),
                    uploaded_by: caller.id(),
                },
            )?;
            stored.push(AttachmentView::of(&info));
        }
        Ok(stored)
    })
}

/// A file to download: its name, type and bytes (or its thumbnail's). 404 for who may not
/// see its parent, and for a thumbnail of a file that has none.
pub fn download(
    conn: &mut PgConnection,
    caller: Option<&Caller>,
    id: i64,
    thumbnail: bool,
) -> AppResult<(AttachmentInfo, Vec<u8>)> {
    let info = attachment::find(conn, id)?;
    let parent = info.parent().ok_or(AppError::NotFound)?;
    if !may_see(conn, caller, parent)? {
        return Err(AppError::NotFound);
    }
    let bytes = attachment::content(conn, id, thumbnail)?.ok_or(AppError::NotFound)?;
    Ok((info, bytes))
}
