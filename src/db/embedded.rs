//! The embedded default: with no database configured, the service runs its own private
//! PostgreSQL cluster from the system's server binaries, with its data under `var/`.
//! PostgreSQL refuses to run as root, so a root service runs it as the `postgres` user.
//!
//! Several commands share one cluster: a command that finds it running (its postmaster
//! alive and answering on the port its `postmaster.pid` names) uses it and leaves it
//! running; only the command that started a cluster stops it. `serve` watches its cluster
//! and starts it again, on the same port, if it goes away.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

const INSTALL_HINT: &str =
    "PostgreSQL server binaries (initdb, pg_ctl) were not found: install them \
     (Debian/Ubuntu: sudo apt-get install postgresql) or set DATABASE_URL to an existing database";

/// A running private cluster; stopped when dropped if this process started it.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    data_dir: PathBuf,
    log_file: PathBuf,
    run_as: Option<String>,
    port: u16,
    url: String,
    /// This process started the cluster (or started it again), so it stops it.
    owned: AtomicBool,
}

/// What `postmaster.pid` says of a running cluster (PostgreSQL's own lock file: line 1 is
/// the postmaster's PID, line 4 its port).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Postmaster {
    pid: i32,
    port: u16,
}

fn read_postmaster(data_dir: &Path) -> Option<Postmaster> {
    let text = std::fs::read_to_string(data_dir.join("postmaster.pid")).ok()?;
    let mut lines = text.lines();
    let pid = lines.next()?.trim().parse().ok()?;
    let port = lines.nth(2)?.trim().parse().ok()?;
    Some(Postmaster { pid, port })
}

fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    pid > 0 && unsafe { libc::kill(pid, 0) == 0 || *libc::__errno_location() == libc::EPERM }
}

/// Does a PostgreSQL server answer on this loopback port?
fn answers(port: u16) -> bool {
    super::connect(&format!(
        "postgres://postgres@127.0.0.1:{port}/postgres?connect_timeout=2"
    ))
    .is_ok()
}

/// The cluster of `data_dir` when it is running and answers (waiting a little while it
/// starts up); `None` when nothing runs there (a stale lock file is PostgreSQL's to clear).
fn running_cluster(data_dir: &Path) -> anyhow::Result<Option<Postmaster>> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let Some(found) = read_postmaster(data_dir) else {
            return Ok(None);
        };
        if !process_alive(found.pid) {
            return Ok(None);
        }
        if answers(found.port) {
            return Ok(Some(found));
        }
        if Instant::now() > deadline {
            bail!(
                "the PostgreSQL cluster in {} runs (process {}) but does not answer on port {}: \
                 stop it, or wait until it is ready",
                data_dir.display(),
                found.pid,
                found.port
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
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
            log_file: dir.join("postgres.log"),
            run_as,
            port: 0,
            url: String::new(),
            owned: AtomicBool::new(false),
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
        if let Some(running) = running_cluster(&cluster.data_dir)? {
            // Another command (`serve`, most likely) runs it: use it, never stop it.
            tracing::info!(
                port = running.port,
                pid = running.pid,
                "using the running embedded PostgreSQL"
            );
            cluster.attach(running.port);
        } else {
            let port = free_port()?;
            if let Err(error) = cluster.start_on(port) {
                // Another command may have started it at the same moment.
                match running_cluster(&cluster.data_dir)? {
                    Some(running) => cluster.attach(running.port),
                    None => return Err(error),
                }
            }
        }
        let server_url = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
        if create_database_if_missing(&server_url, "ptce")? {
            first_start = true;
        }
        Ok(Started {
            cluster,
            first_start,
        })
    }

    fn attach(&mut self, port: u16) {
        self.port = port;
        self.url = format!("postgres://postgres@127.0.0.1:{port}/ptce");
    }

    /// Starts the cluster on `port` and takes charge of stopping it.
    fn start_on(&mut self, port: u16) -> anyhow::Result<()> {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' -c max_connections=200"
        );
        self.pg(
            "pg_ctl",
            &[
                "-D",
                path_str(&self.data_dir)?,
                "-l",
                path_str(&self.log_file)?,
                "-o",
                &options,
                "-w",
                "-t",
                "120",
                "start",
            ],
        )?;
        self.attach(port);
        self.owned.store(true, Ordering::SeqCst);
        tracing::info!(port, "embedded PostgreSQL started");
        Ok(())
    }

    /// Is the cluster still there? When it went away (stopped by another command, or
    /// killed), starts it again on the same port, so the pool's URL stays right. Returns
    /// an error only when it cannot be brought back.
    pub fn keep_running(&mut self) -> anyhow::Result<()> {
        if let Some(found) = read_postmaster(&self.data_dir) {
            if process_alive(found.pid) {
                return Ok(());
            }
        }
        tracing::warn!(
            port = self.port,
            "the embedded PostgreSQL went away: starting it again"
        );
        let port = self.port;
        self.start_on(port).with_context(|| {
            format!(
                "the embedded PostgreSQL cluster in {} stopped and could not be started again on port {port}",
                self.data_dir.display()
            )
        })
    }

    /// Did this process start the cluster (and so stops it)?
    pub fn owned(&self) -> bool {
        self.owned.load(Ordering::SeqCst)
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
        if !self.owned() {
            return;
        }
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
