use clap::Parser;
use ptce_exchange::cli::{self, Cli};
use ptce_exchange::config::Settings;
use ptce_exchange::telemetry;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load()?;
    telemetry::init(&settings.log);
    cli::run(cli, settings).await
}
