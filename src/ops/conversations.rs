//! Conversations before agreeing (and while exchanging): who takes part, who reads and
//! writes, messages with files, what is unread, and the emails about unread messages,
//! several messages within `messages.notice_delay_secs` making one email.
//!
//! Participants are the accounts of the two enterprises a match, proposal, contact request
//! or exchange brings together; in an exchange's conversation the coordinators of both
//! pôles (and admins) read and write too. Anybody else gets 404, whether or not the
//! conversation exists. A takeover's seller writes under its teaser's name until it accepts
//! the buyer's contact request.

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};

use super::limits::{self, Limited, Requester};
use super::Env;
use crate::auth::Caller;
use crate::domain::conversation::{check_body, Subject};
use crate::domain::files::{self, MAX_PER_PARENT};
use crate::domain::listing::Category;
use crate::domain::takeover::ContactStatus;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::attachment::{self, AttachmentInfo, NewAttachment, Parent};
use crate::models::conversation::{self, Message};
use crate::models::ids::{
    AccountId, ContactRequestId, EnterpriseId, ExchangeId, MatchId, PoleId, ProposalId,
};
use crate::models::{account, contact_request, enterprise, exchange, listing, matching, pole};
use crate::views::conversations::{
    AttachmentView, ConversationList, ConversationView, MessagePage, MessageView, ParticipantView,
};

/// Who a conversation brings together, and what about.
pub struct Participants {
    pub subject: Subject,
    /// What it is about: the listing's or the exchange's title.
    pub title: String,
    /// The page it is about (`/listings/12`, `/exchanges/7`).
    pub link: String,
    /// The two enterprises.
    pub sides: [EnterpriseId; 2],
    /// Pôles whose coordinators take part (an exchange's).
    pub poles: Vec<PoleId>,
    /// A takeover's seller not yet disclosed to the other side: it writes under
    /// `teaser_name`.
    pub anonymous: Option<EnterpriseId>,
}

/// The caller's seat in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    /// For one of the two enterprises.
    Side(EnterpriseId),
    /// A coordinator of one of the exchange's pôles, or an admin.
    Coordinator,
}

/// Who takes part in the conversation about `subject`; 404 when the subject does not exist.
pub fn participants(conn: &mut PgConnection, subject: Subject) -> AppResult<Participants> {
    Ok(match subject {
        Subject::Match(id) => {
            let found = matching::find(conn, MatchId(id))?;
            let offer = listing::find(conn, found.offer_id)?;
            let need = listing::find(conn, found.need_id)?;
            let takeover = [&offer, &need]
                .into_iter()
                .find(|l| l.category == Category::BusinessTakeover);
            let anonymous = match takeover {
                Some(t) => {
                    let other = if t.id == offer.id {
                        need.enterprise_id
                    } else {
                        offer.enterprise_id
                    };
                    (!listing::has_accepted_counterpart(conn, t.id, &[other])?)
                        .then_some(t.enterprise_id)
                }
                None => None,
            };
            Participants {
                subject,
                title: offer.title.clone(),
                link: format!("/listings/{}", offer.id),
                sides: [offer.enterprise_id, need.enterprise_id],
                poles: Vec::new(),
                anonymous,
            }
        }
        Subject::Proposal(id) => {
            let found = exchange::find_proposal(conn, ProposalId(id))?;
            let answered = listing::find(conn, found.listing_id)?;
            Participants {
                subject,
                title: answered.title.clone(),
                link: format!("/listings/{}", answered.id),
                sides: [answered.enterprise_id, found.enterprise_id],
                poles: Vec::new(),
                anonymous: None,
            }
        }
        Subject::Contact(id) => {
            let found = contact_request::find(conn, ContactRequestId(id))?;
            let takeover = listing::find(conn, found.listing_id)?;
            Participants {
                subject,
                title: takeover.title.clone(),
                link: format!("/listings/{}", takeover.id),
                sides: [takeover.enterprise_id, found.enterprise_id],
                poles: Vec::new(),
                anonymous: (found.status != ContactStatus::Accepted)
                    .then_some(takeover.enterprise_id),
            }
        }
        Subject::Exchange(id) => {
            let found = exchange::find(conn, ExchangeId(id))?;
            Participants {
                subject,
                title: found.title.clone(),
                link: format!("/exchanges/{}", found.id),
                sides: [
                    found.provider_enterprise_id,
                    found.beneficiary_enterprise_id,
                ],
                poles: [found.provider_pole_id, found.beneficiary_pole_id]
                    .into_iter()
                    .flatten()
                    .collect(),
                anonymous: None,
            }
        }
    })
}

/// The caller's seat; 404 for anybody who does not take part.
pub fn seat(conn: &mut PgConnection, caller: &Caller, p: &Participants) -> AppResult<Seat> {
    for side in p.sides {
        if enterprise::is_member_account(conn, side, caller.id())? {
            return Ok(Seat::Side(side));
        }
    }
    if matches!(p.subject, Subject::Exchange(_)) {
        if caller.is_admin() {
            return Ok(Seat::Coordinator);
        }
        for pole_id in &p.poles {
            if pole::is_coordinator(conn, *pole_id, caller.id())? {
                return Ok(Seat::Coordinator);
            }
        }
    }
    Err(AppError::NotFound)
}

fn subject_of(id: &str) -> AppResult<Subject> {
    Subject::parse(id).ok_or(AppError::NotFound)
}

/// Every account that takes part: both enterprises' and, for an exchange, its pôles'
/// coordinators.
fn accounts_taking_part(conn: &mut PgConnection, p: &Participants) -> AppResult<Vec<AccountId>> {
    let mut ids: Vec<AccountId> = Vec::new();
    for side in p.sides {
        ids.extend(
            account::recipients_of_enterprise(conn, side)?
                .into_iter()
                .map(|r| r.id),
        );
    }
    ids.extend(
        account::recipients_coordinating(conn, &p.poles)?
            .into_iter()
            .map(|r| r.id),
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// How the author of a message is named for a reader.
fn author_name(
    conn: &mut PgConnection,
    p: &Participants,
    reader: Seat,
    message: &Message,
    words: crate::i18n::Words,
) -> AppResult<(String, Option<String>)> {
    let Some(enterprise_id) = message.author_enterprise_id else {
        let who = account::find(conn, message.author_id)?.display_name;
        return Ok((who, Some(words.t("conversation-coordination"))));
    };
    let hidden = p.anonymous == Some(enterprise_id) && reader != Seat::Side(enterprise_id);
    if hidden {
        return Ok((words.t("conversation-anonymous-seller"), None));
    }
    let who = account::find(conn, message.author_id)?.display_name;
    let firm = enterprise::find(conn, enterprise_id)?.name;
    Ok((who, Some(firm)))
}

fn attachment_view(info: &AttachmentInfo) -> AttachmentView {
    AttachmentView::of(info)
}

fn message_view(
    conn: &mut PgConnection,
    p: &Participants,
    reader: Seat,
    reader_id: AccountId,
    message: Message,
    files: Vec<AttachmentView>,
    words: crate::i18n::Words,
) -> AppResult<MessageView> {
    let (name, organisation) = author_name(conn, p, reader, &message, words)?;
    Ok(MessageView {
        id: message.id,
        author: crate::views::conversations::AuthorView {
            name,
            organisation,
            me: message.author_id == reader_id,
        },
        body: message.body,
        created_at: message.created_at,
        attachments: files,
    })
}

fn conversation_view(
    conn: &mut PgConnection,
    p: &Participants,
    seat: Seat,
    unread: i64,
    last_message_at: Option<DateTime<Utc>>,
    words: crate::i18n::Words,
) -> AppResult<ConversationView> {
    let mut participants = Vec::new();
    for side in p.sides {
        let name = if p.anonymous == Some(side) && seat != Seat::Side(side) {
            words.t("conversation-anonymous-seller")
        } else {
            enterprise::find(conn, side)?.name
        };
        participants.push(ParticipantView {
            name,
            role: "enterprise".into(),
        });
    }
    for pole_id in &p.poles {
        participants.push(ParticipantView {
            name: format!(
                "{} — {}",
                pole::name_of(conn, *pole_id)?,
                words.t("conversation-coordination")
            ),
            role: "coordinators".into(),
        });
    }
    Ok(ConversationView {
        id: p.subject.id(),
        subject_kind: p.subject.kind().to_string(),
        subject_id: p.subject.subject_id(),
        title: p.title.clone(),
        link: p.link.clone(),
        participants,
        unread,
        last_message_at,
    })
}

/// A conversation the caller takes part in, with its participants and how many messages
/// it has not read. 404 otherwise.
pub fn show(
    conn: &mut PgConnection,
    caller: &Caller,
    id: &str,
    words: crate::i18n::Words,
) -> AppResult<ConversationView> {
    let subject = subject_of(id)?;
    let p = participants(conn, subject)?;
    let seat = seat(conn, caller, &p)?;
    let (unread, last) = match conversation::find(conn, subject)? {
        Some(c) => (
            conversation::unread_counts(conn, caller.id(), &[c.id])?
                .first()
                .map_or(0, |(_, n)| *n),
            c.last_message_at,
        ),
        None => (0, None),
    };
    conversation_view(conn, &p, seat, unread, last, words)
}

/// The caller's started conversations, newest activity first (keyset on the activity).
pub fn mine(
    conn: &mut PgConnection,
    caller: &Caller,
    cursor: Option<&str>,
    limit: i64,
    words: crate::i18n::Words,
) -> AppResult<ConversationList> {
    let before = match cursor.filter(|c| !c.is_empty()) {
        Some(c) => Some(super::decode_time_cursor(c).ok_or_else(|| {
            AppError::invalid_field("cursor", crate::domain::Invalid::new("invalid_cursor"))
        })?),
        None => None,
    };
    let own: Vec<EnterpriseId> = enterprise::of_account(conn, caller.id())?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let poles: Vec<i64> = pole::coordinated_by(conn, caller.id())?
        .into_iter()
        .map(|p| p.0)
        .collect();
    let found = conversation::started_for(conn, &own, &poles, before, limit + 1)?;
    let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
    let unread = conversation::unread_counts(conn, caller.id(), &ids)?;
    let mut items = Vec::new();
    for c in found.iter().take(limit as usize) {
        let Some(subject) = c.subject() else { continue };
        let p = participants(conn, subject)?;
        let Ok(seat) = seat(conn, caller, &p) else {
            continue;
        };
        let n = unread
            .iter()
            .find(|(id, _)| *id == c.id)
            .map_or(0, |(_, n)| *n);
        items.push(conversation_view(
            conn,
            &p,
            seat,
            n,
            c.last_message_at,
            words,
        )?);
    }
    let next_cursor = (found.len() as i64 > limit)
        .then(|| found.get(limit as usize - 1))
        .flatten()
        .and_then(|c| {
            c.last_message_at
                .map(|at| super::encode_time_cursor(at, c.id))
        });
    Ok(ConversationList { items, next_cursor })
}

/// Messages of a conversation, newest first, with their files; `before` is the previous
/// page's last id. Reading them does not mark them read (`read` does).
pub fn messages(
    conn: &mut PgConnection,
    caller: &Caller,
    id: &str,
    before: Option<i64>,
    limit: i64,
    words: crate::i18n::Words,
) -> AppResult<MessagePage> {
    let subject = subject_of(id)?;
    let p = participants(conn, subject)?;
    let seat = seat(conn, caller, &p)?;
    let Some(found) = conversation::find(conn, subject)? else {
        return Ok(MessagePage {
            items: Vec::new(),
            next_cursor: None,
        });
    };
    let rows = conversation::messages_before(conn, found.id, before, limit + 1)?;
    let more = rows.len() as i64 > limit;
    let rows: Vec<Message> = rows.into_iter().take(limit as usize).collect();
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let files = attachment::of_messages(conn, &ids)?;
    let next_cursor = more
        .then(|| rows.last().map(|m| m.id.to_string()))
        .flatten();
    let mut items = Vec::new();
    for message in rows {
        let own_files = files
            .iter()
            .filter(|f| f.message_id == Some(message.id))
            .map(attachment_view)
            .collect();
        items.push(message_view(
            conn,
            &p,
            seat,
            caller.id(),
            message,
            own_files,
            words,
        )?);
    }
    Ok(MessagePage { items, next_cursor })
}

/// Marks every message of the conversation read for the caller.
pub fn read(conn: &mut PgConnection, caller: &Caller, id: &str) -> AppResult<()> {
    let subject = subject_of(id)?;
    let p = participants(conn, subject)?;
    seat(conn, caller, &p)?;
    if let Some(found) = conversation::find(conn, subject)? {
        let last = conversation::last_message_id(conn, found.id)?;
        conversation::mark_read(conn, found.id, caller.id(), last)?;
    }
    Ok(())
}

/// A message to write: its text and its files.
pub struct NewMessage {
    pub body: String,
    pub files: Vec<Upload>,
}

/// A file sent with a message: its name as sent and its bytes.
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Writes a message (1 to 5,000 characters) with up to ten files, for the caller's seat;
/// the other participants are told by email after `messages.notice_delay_secs`, one email
/// for the messages written meanwhile. Counts against `[limits] messages`. 422
/// `message_required`, `message_too_long`, `file_type`, `too_many_files`; 413 over 10 MB;
/// 404 for non-participants.
pub fn post(
    conn: &mut PgConnection,
    env: &Env,
    caller: &Caller,
    requester: &Requester,
    id: &str,
    new: NewMessage,
    words: crate::i18n::Words,
) -> AppResult<MessageView> {
    let subject = subject_of(id)?;
    let p = participants(conn, subject)?;
    let seat = seat(conn, caller, &p)?;
    let mut errors = FieldErrors::new();
    let body = errors.check("body", check_body(&new.body));
    let accepted = accept_files(&mut errors, new.files)?;
    errors.finish()?;
    let body = body.expect("checked");
    limits::check(
        conn,
        env,
        Limited::Messages,
        &requester.as_account(caller.id()),
    )?;
    let recipients: Vec<AccountId> = accounts_taking_part(conn, &p)?
        .into_iter()
        .filter(|a| *a != caller.id())
        .collect();
    let due =
        env.clock.now() + chrono::Duration::seconds(env.settings.messages.notice_delay_secs as i64);
    conn.transaction(|conn| {
        let started = conversation::get_or_create(conn, subject)?;
        let author_enterprise = match seat {
            Seat::Side(e) => Some(e),
            Seat::Coordinator => None,
        };
        let message =
            conversation::insert_message(conn, started.id, caller.id(), author_enterprise, &body)?;
        let mut files = Vec::new();
        for file in &accepted {
            let stored = attachment::insert(
                conn,
                NewAttachment {
                    parent: Parent::Message(message.id),
                    filename: &file.filename,
                    content_type: file.content_type,
                    content: &file.bytes,
                    thumbnail: file.thumbnail.as_deref(),
                    uploaded_by: caller.id(),
                },
            )?;
            files.push(attachment_view(&stored));
        }
        conversation::mark_read(conn, started.id, caller.id(), message.id)?;
        conversation::schedule_notices(conn, started.id, &recipients, due)?;
        message_view(conn, &p, seat, caller.id(), message, files, words)
    })
}

/// Checks every file (all refusals at once); `file` errors name the file's position.
pub fn accept_files(
    errors: &mut FieldErrors,
    uploads: Vec<Upload>,
) -> AppResult<Vec<files::AcceptedFile>> {
    if uploads.len() > MAX_PER_PARENT {
        errors.add(
            "file",
            crate::domain::Invalid::new("too_many_files").with("max", MAX_PER_PARENT as i64),
        );
        return Ok(Vec::new());
    }
    let mut accepted = Vec::new();
    for upload in uploads {
        if upload.bytes.len() > files::MAX_BYTES {
            return Err(AppError::PayloadTooLarge);
        }
        match files::accept(&upload.filename, upload.bytes) {
            Ok(file) => accepted.push(file),
            Err(invalid) => errors.add("file", invalid),
        }
    }
    Ok(accepted)
}

/// Sends the emails about unread messages that have come due: one per account and
/// conversation, listing how many messages wait and the newest's beginning, after the
/// account's preference for the `messages` family. Returns how many were told.
pub fn send_due_notices(
    conn: &mut PgConnection,
    links: &crate::links::Links,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let due = conversation::take_due_notices(conn, now, 500)?;
    let mut told = 0;
    for notice in due {
        let Some(found) = conversation::find_by_id(conn, notice.conversation_id)? else {
            continue;
        };
        let Some(subject) = found.subject() else {
            continue;
        };
        let account_id = AccountId(notice.account_id);
        let unread =
            conversation::unread_messages(conn, found.id, account_id, notice.last_read_message_id)?;
        let Some(newest) = unread.last() else {
            continue;
        };
        let p = participants(conn, subject)?;
        let Some(recipient) = account::recipients(conn, &[account_id])?.into_iter().next() else {
            continue;
        };
        let reader_seat = p
            .sides
            .iter()
            .copied()
            .find(|side| enterprise::is_member_account(conn, *side, account_id).unwrap_or(false))
            .map_or(Seat::Coordinator, Seat::Side);
        let words = crate::i18n::words(recipient.locale);
        let (from, _) = author_name(conn, &p, reader_seat, newest, words)?;
        let excerpt: String = newest.body.chars().take(280).collect();
        crate::email::conversation_events::new_messages(
            conn,
            links,
            &recipient,
            &p.subject.id(),
            &p.title,
            unread.len() as i64,
            &from,
            &excerpt,
            newest.id,
        )?;
        told += 1;
    }
    Ok(told)
}
