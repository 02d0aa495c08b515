//! Conversations, their messages, what each account has read, and the batched notices of
//! unread messages.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::ids::{AccountId, EnterpriseId};
use crate::domain::conversation::Subject;
use crate::schema::{conversations, messages};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversations)]
pub struct Conversation {
    pub id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub last_message_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Conversation {
    pub fn subject(&self) -> Option<Subject> {
        Subject::from_stored(&self.subject_kind, self.subject_id)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub author_id: AccountId,
    pub author_enterprise_id: Option<EnterpriseId>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// The conversation about `subject`, created on first use (two callers at once get the
/// same row).
pub fn get_or_create(conn: &mut PgConnection, subject: Subject) -> QueryResult<Conversation> {
    diesel::insert_into(conversations::table)
        .values((
            conversations::subject_kind.eq(subject.kind()),
            conversations::subject_id.eq(subject.subject_id()),
        ))
        .on_conflict((conversations::subject_kind, conversations::subject_id))
        .do_nothing()
        .execute(conn)?;
    find(conn, subject).map(|found| found.expect("just written"))
}

/// The conversation about `subject`, if it has started.
pub fn find(conn: &mut PgConnection, subject: Subject) -> QueryResult<Option<Conversation>> {
    conversations::table
        .filter(conversations::subject_kind.eq(subject.kind()))
        .filter(conversations::subject_id.eq(subject.subject_id()))
        .select(Conversation::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_id(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Conversation>> {
    conversations::table
        .find(id)
        .select(Conversation::as_select())
        .first(conn)
        .optional()
}

/// Writes a message and moves the conversation's activity date.
pub fn insert_message(
    conn: &mut PgConnection,
    conversation: i64,
    author: AccountId,
    author_enterprise: Option<EnterpriseId>,
    body: &str,
) -> QueryResult<Message> {
    let message: Message = diesel::insert_into(messages::table)
        .values((
            messages::conversation_id.eq(conversation),
            messages::author_id.eq(author),
            messages::author_enterprise_id.eq(author_enterprise),
            messages::body.eq(body),
        ))
        .returning(Message::as_returning())
        .get_result(conn)?;
    diesel::update(conversations::table.find(conversation))
        .set(conversations::last_message_at.eq(message.created_at))
        .execute(conn)?;
    Ok(message)
}

/// Messages of a conversation, newest first, before the message `before` (keyset).
pub fn messages_before(
    conn: &mut PgConnection,
    conversation: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Message>> {
    let mut query = messages::table
        .filter(messages::conversation_id.eq(conversation))
        .select(Message::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(messages::id.lt(before));
    }
    query.order(messages::id.desc()).limit(limit).load(conn)
}

/// The account has read everything up to `message` (never moves back), and needs no
/// email about it.
pub fn mark_read(
    conn: &mut PgConnection,
    conversation: i64,
    account: AccountId,
    message: i64,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO conversation_reads (conversation_id, account_id, last_read_message_id) \
         VALUES ($1, $2, $3) \
         ON CONFLICT (conversation_id, account_id) DO UPDATE SET \
           last_read_message_id = GREATEST(conversation_reads.last_read_message_id, excluded.last_read_message_id), \
           notice_due_at = NULL",
    )
    .bind::<diesel::sql_types::BigInt, _>(conversation)
    .bind::<diesel::sql_types::BigInt, _>(account.0)
    .bind::<diesel::sql_types::BigInt, _>(message)
    .execute(conn)
    .map(|_| ())
}

/// The newest message's id (0 when there is none).
pub fn last_message_id(conn: &mut PgConnection, conversation: i64) -> QueryResult<i64> {
    messages::table
        .filter(messages::conversation_id.eq(conversation))
        .select(diesel::dsl::max(messages::id))
        .first::<Option<i64>>(conn)
        .map(|m| m.unwrap_or(0))
}

/// Schedules the email about unread messages for each account at `due` unless one is
/// already scheduled: several messages before it goes make one email.
pub fn schedule_notices(
    conn: &mut PgConnection,
    conversation: i64,
    accounts: &[AccountId],
    due: DateTime<Utc>,
) -> QueryResult<()> {
    let ids: Vec<i64> = accounts.iter().map(|a| a.0).collect();
    diesel::sql_query(
        "INSERT INTO conversation_reads (conversation_id, account_id, notice_due_at) \
         SELECT $1, unnest($2::bigint[]), $3 \
         ON CONFLICT (conversation_id, account_id) DO UPDATE SET \
           notice_due_at = COALESCE(conversation_reads.notice_due_at, excluded.notice_due_at)",
    )
    .bind::<diesel::sql_types::BigInt, _>(conversation)
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(ids)
    .bind::<diesel::sql_types::Timestamptz, _>(due)
    .execute(conn)
    .map(|_| ())
}

/// A notice that has come due: the account, the conversation, and what it has read.
#[derive(Debug, Clone, QueryableByName)]
pub struct DueNotice {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub conversation_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub account_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub last_read_message_id: i64,
}

/// Takes the notices due by `now` (at most `limit`), clearing them in the same statement so
/// that two workers never send the same one.
pub fn take_due_notices(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<DueNotice>> {
    diesel::sql_query(
        "UPDATE conversation_reads r SET notice_due_at = NULL \
         FROM (SELECT conversation_id, account_id FROM conversation_reads \
               WHERE notice_due_at <= $1 ORDER BY notice_due_at LIMIT $2 FOR UPDATE SKIP LOCKED) due \
         WHERE r.conversation_id = due.conversation_id AND r.account_id = due.account_id \
         RETURNING r.conversation_id, r.account_id, r.last_read_message_id",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
}

/// Messages after `after` not written by `account`, oldest first.
pub fn unread_messages(
    conn: &mut PgConnection,
    conversation: i64,
    account: AccountId,
    after: i64,
) -> QueryResult<Vec<Message>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation))
        .filter(messages::id.gt(after))
        .filter(messages::author_id.ne(account))
        .select(Message::as_select())
        .order(messages::id.asc())
        .load(conn)
}

/// How many messages of each of these conversations the account has not read (written by
/// others, after its read mark).
pub fn unread_counts(
    conn: &mut PgConnection,
    account: AccountId,
    conversations_ids: &[i64],
) -> QueryResult<Vec<(i64, i64)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        conversation_id: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        unread: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT m.conversation_id, count(*) AS unread FROM messages m \
         LEFT JOIN conversation_reads r ON r.conversation_id = m.conversation_id AND r.account_id = $1 \
         WHERE m.conversation_id = ANY($2) AND m.author_id <> $1 AND m.id > COALESCE(r.last_read_message_id, 0) \
         GROUP BY m.conversation_id",
    )
    .bind::<diesel::sql_types::BigInt, _>(account.0)
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(conversations_ids.to_vec())
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.conversation_id, r.unread))
        .collect())
}

/// The started conversations (at least one message) of an account: those about the
/// matches, proposals, contact requests and exchanges of the enterprises it belongs to
/// (`mine`), and the exchanges of the pôles it coordinates (`poles`); newest activity
/// first, after the keyset `(before_at, before_id)`.
pub fn started_for(
    conn: &mut PgConnection,
    mine: &[EnterpriseId],
    poles: &[i64],
    before: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> QueryResult<Vec<Conversation>> {
    let mine: Vec<i64> = mine.iter().map(|e| e.0).collect();
    let (before_at, before_id) = match before {
        Some((at, id)) => (Some(at), id),
        None => (None, 0),
    };
    diesel::sql_query(
        "SELECT c.id, c.subject_kind, c.subject_id, c.last_message_at, c.created_at \
         FROM conversations c WHERE c.last_message_at IS NOT NULL \
         AND ($3::timestamptz IS NULL OR (c.last_message_at, c.id) < ($3, $4)) AND ( \
          (c.subject_kind = 'match' AND EXISTS (SELECT 1 FROM matches m \
             JOIN listings o ON o.id = m.offer_id JOIN listings n ON n.id = m.need_id \
             WHERE m.id = c.subject_id AND (o.enterprise_id = ANY($1) OR n.enterprise_id = ANY($1)))) \
          OR (c.subject_kind = 'proposal' AND EXISTS (SELECT 1 FROM proposals p \
             JOIN listings l ON l.id = p.listing_id \
             WHERE p.id = c.subject_id AND (p.enterprise_id = ANY($1) OR l.enterprise_id = ANY($1)))) \
          OR (c.subject_kind = 'contact' AND EXISTS (SELECT 1 FROM contact_requests r \
             JOIN listings l ON l.id = r.listing_id \
             WHERE r.id = c.subject_id AND (r.enterprise_id = ANY($1) OR l.enterprise_id = ANY($1)))) \
          OR (c.subject_kind = 'exchange' AND EXISTS (SELECT 1 FROM exchanges x \
             WHERE x.id = c.subject_id AND (x.provider_enterprise_id = ANY($1) \
               OR x.beneficiary_enterprise_id = ANY($1) OR x.provider_pole_id = ANY($2) \
               OR x.beneficiary_pole_id = ANY($2))))) \
         ORDER BY c.last_message_at DESC, c.id DESC LIMIT $5",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(mine)
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(poles.to_vec())
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>, _>(before_at)
    .bind::<diesel::sql_types::BigInt, _>(before_id)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load::<ConversationRow>(conn)
    .map(|rows| rows.into_iter().map(ConversationRow::into_conversation).collect())
}

#[derive(QueryableByName)]
struct ConversationRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    subject_kind: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    subject_id: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    last_message_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    created_at: DateTime<Utc>,
}

impl ConversationRow {
    fn into_conversation(self) -> Conversation {
        Conversation {
            id: self.id,
            subject_kind: self.subject_kind,
            subject_id: self.subject_id,
            last_message_at: self.last_message_at,
            created_at: self.created_at,
        }
    }
}

/// The conversation a message belongs to.
pub fn conversation_of_message(
    conn: &mut PgConnection,
    message: i64,
) -> QueryResult<Option<Conversation>> {
    conversations::table
        .inner_join(messages::table)
        .filter(messages::id.eq(message))
        .select(Conversation::as_select())
        .first(conn)
        .optional()
}

/// Messages from others the account has not read, in every conversation it was told of.
pub fn unread_total(conn: &mut PgConnection, account: AccountId) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        unread: i64,
    }
    let row: Row = diesel::sql_query(
        "SELECT count(*) AS unread FROM conversation_reads r \
         JOIN messages m ON m.conversation_id = r.conversation_id \
           AND m.id > r.last_read_message_id AND m.author_id <> r.account_id \
         WHERE r.account_id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(account.0)
    .get_result(conn)?;
    Ok(row.unread)
}
