//! Diesel models and every query: the only layer that touches `schema`.

pub mod account;
pub mod alert;
pub mod digest;
pub mod enterprise;
pub mod exchange;
pub mod idempotency;
pub mod ids;
pub mod ledger;
pub mod listing;
pub mod matching;
pub mod outbox;
pub mod pole;
pub mod reference;
