//! The embedded default: with no database configured, the service runs its own private
//! PostgreSQL cluster from the system's server binaries, with its data under `var/`.
//! PostgreSQL refuses to run as root, so a root service runs it as the `postgres` user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{bail, Context};

const INSTALL_HINT: &str =
    "PostgreSQL server binaries (initdb, pg_ctl) were not found: install them \
     (Debian/Ubuntu: sudo apt-get install postgresql) or set DATABASE_URL to an existing database";

/// A running private cluster; stopped when dropped.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    run_as: Option<String>,
    url: String,
}

/// What `start` found: was the cluster (or its database) created just now?
pub struct Started {
    pub cluster: EmbeddedPostgres,
    pub first_start: bool,
}

impl EmbeddedPostgres {
    /// Initialises the cluster on first use, starts it on a free loopback port and makes
    /// sure the `ptce` database exists.
    pub fn start(dir: &Path) -> anyhow::Result<Started> {
        let bin_dir = find_bin_dir().context(INSTALL_HINT)?;
        let run_as = if is_root() {
            Some("postgres".to_string())
        } else {
            None
        };
        let dir = absolute(dir)?;
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        if let Some(user) = &run_as {
            prepare_for_user(&dir, user)?;
        }
        let data_dir = dir.join("data");
        let mut cluster = EmbeddedPostgres {
            bin_dir,
            data_dir,
            run_as,
            url: String::new(),
        };
        let mut first_start = false;
        if !cluster.data_dir.join("PG_VERSION").exists() {
            tracing::info!(dir = %cluster.data_dir.display(), "initialising embedded PostgreSQL cluster");
            cluster.pg(
                "initdb",
                &[
                    "-D",
                    path_str(&cluster.data_dir)?,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                ],
            )?;
            first_start = true;
        }
        if cluster.data_dir.join("postmaster.pid").exists() {
            // Left running by a previous start that did not stop cleanly: stop it, since
            // the port it listens on is not known to us any more.
            let _ = cluster.stop_cluster();
        }
        let port = free_port()?;
        let log_file = dir.join("postgres.log");
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' -c max_connections=200"
        );
        cluster.pg(
            "pg_ctl",
            &[
                "-D",
                path_str(&cluster.data_dir)?,
                "-l",
                path_str(&log_file)?,
                "-o",
                &options,
                "-w",
                "-t",
                "120",
                "start",
            ],
        )?;
        let server_url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        cluster.url = format!("postgres://postgres@127.0.0.1:{port}/ptce");
        if create_database_if_missing(&server_url, "ptce")? {
            first_start = true;
        }
        tracing::info!(port, "embedded PostgreSQL started");
        Ok(Started {
            cluster,
            first_start,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn stop_cluster(&self) -> anyhow::Result<()> {
        self.pg(
            "pg_ctl",
            &["-D", path_str(&self.data_dir)?, "-m", "fast", "-w", "stop"],
        )
        .map(|_| ())
    }

    /// Runs one of the server binaries, as the unprivileged user when we are root.
    fn pg(&self, program: &str, args: &[&str]) -> anyhow::Result<Output> {
        let binary = self.bin_dir.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&binary);
                command
            }
            None => Command::new(&binary),
        };
        command.args(args).current_dir("/");
        let output = command
            .output()
            .with_context(|| format!("running {}", binary.display()))?;
        if !output.status.success() {
            bail!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&output.stdout)
            );
        }
        Ok(output)
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        match self.stop_cluster() {
            Ok(()) => tracing::info!("embedded PostgreSQL stopped"),
            Err(error) => tracing::warn!(error = %error, "stopping embedded PostgreSQL"),
        }
    }
}

/// The newest `/usr/lib/postgresql/*/bin`, else the directory of `pg_ctl` on PATH.
fn find_bin_dir() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        if dir.join("pg_ctl").exists() && dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    bail!("no initdb or pg_ctl found")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Gives the data folder to `user` and checks that user can reach it through its parents.
fn prepare_for_user(dir: &Path, user: &str) -> anyhow::Result<()> {
    let status = Command::new("chown")
        .args(["-R", &format!("{user}:")])
        .arg(dir)
        .status()
        .context("running chown")?;
    if !status.success() {
        bail!(
            "PostgreSQL refuses to run as root and the system user '{user}' does not exist or cannot own {}: \
             create the user (apt-get install postgresql does) or set DATABASE_URL",
            dir.display()
        );
    }
    let reachable = Command::new("runuser")
        .args(["-u", user, "--", "test", "-w"])
        .arg(dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !reachable {
        bail!(
            "the '{user}' user cannot reach {}: a parent folder is private. Move the project to a \
             folder others can traverse, set database.embedded_dir elsewhere, or set DATABASE_URL",
            dir.display()
        );
    }
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn absolute(dir: &Path) -> anyhow::Result<PathBuf> {
    if dir.is_absolute() {
        Ok(dir.to_path_buf())
    } else {
        Ok(std::env::current_dir()?.join(dir))
    }
}

fn path_str(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .with_context(|| format!("path is not UTF-8: {}", path.display()))
}

/// Returns true when the database had to be created.
fn create_database_if_missing(server_url: &str, name: &str) -> anyhow::Result<bool> {
    use diesel::prelude::*;
    use diesel::sql_types::{Bool, Text};

    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = Bool)]
        exists: bool,
    }
    let mut conn = super::connect(server_url)?;
    let found =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(name)
            .get_result::<Exists>(&mut conn)?;
    if found.exists {
        return Ok(false);
    }
    diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn)?;
    Ok(true)
}
