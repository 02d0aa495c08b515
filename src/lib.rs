//! PTCE Exchange: the marketplace of the pôles territoriaux de coopération économique.
//!
//! Layers, each depending only on those below it: `api` (JSON) and `web` (pages) side by
//! side → `ops` (what the service does) → `models` (every query) → `domain` (pure rules).
//! `views` are what operations return; `state`, `auth`, `i18n`, `format`, `clock` and
//! `error` are shared by all.

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod evaluation;
pub mod format;
pub mod http;
pub mod i18n;
pub mod links;
pub mod metrics;
pub mod models;
pub mod openapi;
pub mod ops;
pub mod schema;
pub mod seed;
pub mod startup;
pub mod state;
pub mod synthetic;
pub mod telemetry;
pub mod views;
pub mod web;
