# Shared by scripts/run and scripts/test: install what a fresh Debian/Ubuntu machine lacks.
# Sourced, not run.

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "error: '$*' needs root; run it as root or install sudo" >&2; return 1; fi
}

apt_updated=""
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing packages ($*) and no apt-get to install them; install them by hand" >&2
    return 1
  fi
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; fi
}

# PostgreSQL server binaries (the embedded default and the test cluster), its contrib
# extensions (unaccent), libpq for building diesel, and a C toolchain for -sys crates.
ensure_system_packages() {
  local missing=()
  [ -n "$(pg_bin_dir)" ] || missing+=(postgresql postgresql-contrib)
  if command -v dpkg >/dev/null 2>&1; then
    dpkg -s libpq-dev >/dev/null 2>&1 || missing+=(libpq-dev)
    dpkg -s pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  fi
  command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]}..."
    apt_install "${missing[@]}"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo is missing: install the Rust toolchain (https://rustup.rs)" >&2
    return 1
  fi
}
