//! Private PostgreSQL servers for the tests that stop, restart, kill or replicate one: a
//! primary from `initdb` (WAL for streaming replication), and a streaming standby from
//! `pg_basebackup -R`, each on its own loopback port with its data under the system's temp
//! folder, run as the `postgres` user when the tests run as root (PostgreSQL refuses root).
//! Stopped and removed when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().map(|d| d.path().join("bin")).collect())
        .unwrap_or_default();
    found.retain(|d| d.join("initdb").exists());
    found.sort();
    found
        .pop()
        .expect("PostgreSQL server binaries under /usr/lib/postgresql")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs a server binary (as `postgres` when root); panics with its output on failure.
fn pg(program: &str, args: &[&str]) -> String {
    let binary = bin_dir().join(program);
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&binary);
        c
    } else {
        Command::new(&binary)
    };
    let output = command
        .args(args)
        .current_dir("/")
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn own(dir: &Path) {
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(status.success(), "chown {}", dir.display());
    }
}

pub struct PgServer {
    root: PathBuf,
    pub port: u16,
}

impl PgServer {
    fn data(&self) -> String {
        self.root.join("data").to_string_lossy().into_owned()
    }

    fn log(&self) -> String {
        self.root.join("log").to_string_lossy().into_owned()
    }

    fn new_root(kind: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!(
            "ptce-pg-{kind}-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&root).unwrap();
        own(&root);
        root
    }

    /// A new primary, started, with a database `ptce`.
    pub fn primary() -> PgServer {
        let server = PgServer {
            root: Self::new_root("primary"),
            port: free_port(),
        };
        pg(
            "initdb",
            &[
                "-D",
                &server.data(),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
            ],
        );
        let conf = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = off\nsynchronous_commit = on\n",
            server.port,
            server.root.display()
        );
        let conf_path = server.root.join("data/postgresql.auto.conf");
        let mut existing = std::fs::read_to_string(&conf_path).unwrap_or_default();
        existing.push_str(&conf);
        std::fs::write(&conf_path, existing).unwrap();
        let hba = server.root.join("data/pg_hba.conf");
        let mut rules = std::fs::read_to_string(&hba).unwrap();
        rules.push_str("\nhost replication postgres 127.0.0.1/32 trust\n");
        std::fs::write(&hba, rules).unwrap();
        own(&server.root);
        server.start();
        server.sql("CREATE DATABASE ptce");
        server
    }

    /// A streaming standby of `primary`, started.
    pub fn standby_of(primary: &PgServerRef) -> PgServer {
        let server = PgServer {
            root: Self::new_root("standby"),
            port: free_port(),
        };
        pg(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &primary.port.to_string(),
                "-U",
                "postgres",
                "-D",
                &server.data(),
                "-R",
                "-X",
                "stream",
            ],
        );
        let conf_path = server.root.join("data/postgresql.auto.conf");
        let mut conf = std::fs::read_to_string(&conf_path).unwrap();
        conf.push_str(&format!(
            "\nport = {}\nunix_socket_directories = '{}'\n",
            server.port,
            server.root.display()
        ));
        std::fs::write(&conf_path, conf).unwrap();
        own(&server.root);
        server.start();
        server
    }

    /// A handle on a running server of this port, that does not stop it when dropped
    /// (for starting a standby from another thread).
    pub fn handle(port: u16) -> PgServerRef {
        PgServerRef { port }
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/ptce", self.port)
    }

    pub fn start(&self) {
        pg(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &self.log(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    pub fn stop_immediately(&self) {
        pg(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }

    /// Promotes a standby to primary (as a failover does).
    pub fn promote(&self) {
        pg("pg_ctl", &["-D", &self.data(), "-w", "promote"]);
    }

    /// A fast restart: sessions are ended, the server comes back on the same port.
    pub fn restart(&self) {
        pg(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &self.log(),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "restart",
            ],
        );
    }

    /// One SQL statement through psql, as the superuser; its output.
    pub fn sql(&self, statement: &str) -> String {
        pg(
            "psql",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-Atc",
                statement,
            ],
        )
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = Command::new(if is_root() { "runuser" } else { "true" })
            .args(if is_root() {
                vec![
                    "-u".to_string(),
                    "postgres".into(),
                    "--".into(),
                    bin_dir().join("pg_ctl").to_string_lossy().into_owned(),
                    "-D".into(),
                    self.data(),
                    "-m".into(),
                    "immediate".into(),
                    "stop".into(),
                ]
            } else {
                vec![]
            })
            .output();
        if !is_root() {
            let _ = Command::new(bin_dir().join("pg_ctl"))
                .args(["-D", &self.data(), "-m", "immediate", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The port of a running primary, to take a base backup from.
pub struct PgServerRef {
    pub port: u16,
}
