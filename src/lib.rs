//! PTCE Exchange: the marketplace of the pôles territoriaux de coopération économique.

pub mod api;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod metrics;
pub mod models;
pub mod schema;
pub mod seed;
pub mod startup;
pub mod synthetic;
pub mod telemetry;
pub mod web;
