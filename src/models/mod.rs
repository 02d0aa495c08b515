//! Diesel models and every query: the only layer that touches `schema`.

pub mod account;
pub mod enterprise;
pub mod ids;
pub mod outbox;
pub mod pole;
pub mod reference;
