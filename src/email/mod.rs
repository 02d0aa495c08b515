//! Email: the mailer backends, the messages, and the outbox worker that sends them.

pub mod conversation_events;
pub mod digest;
pub mod events;
pub mod mailer;
pub mod messages;
pub mod visit_events;
pub mod worker;

pub use mailer::Mailer;
