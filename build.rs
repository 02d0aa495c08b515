//! Rebuild when a translation file changes: `fluent-templates` embeds `locales/` at
//! compile time.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
