//! Integration tests: each test runs the real service on a random port against its own
//! PostgreSQL database, with a real SMTP server on loopback.

mod accounts;
mod alerts;
mod cli;
mod communes;
mod conversations;
mod enterprises;
mod errors;
mod evaluation;
mod exchanges;
mod faults;
mod health;
mod helpers;
mod limits;
mod listings;
mod matches;
mod materials;
mod notifications;
mod openapi;
mod pg_server;
mod poles;
mod redirects;
mod reference;
mod replicas;
mod smtp;
mod snapshots;
mod takeovers;
mod visits;
