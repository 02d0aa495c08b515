//! Browser tests: the real service (as in tests/api, whose helpers this target shares),
//! its own PostgreSQL database per test, a real SMTP server, and headless Chromium driven
//! through chromedriver (WebDriver). Screenshots of the main pages at 390 and 1366 px go to
//! `target/screenshots/`.

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../api/smtp.rs"]
mod smtp;

mod accounts;
mod conversations;
mod driver;
mod journey;
mod pages;
mod security;
mod usability;
mod visits;
