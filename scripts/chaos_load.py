#!/usr/bin/env python3
"""The load client and the checks of scripts/chaos (Python 3.11 standard library only).

`run` sends a mixed load through haproxy for --duration seconds with several workers, each
behaving as a real client: on a connection error, 502, 503 or 504 it pauses (Retry-After
when given, else half a second) and sends the same request again, with the same
Idempotency-Key for money writes, for up to --retry-budget seconds. It records every
answer (time, kind, status) and every acknowledged (2xx) transaction (id, key, amount).
Meanwhile it samples pg_stat_activity / pg_stat_database on each PostgreSQL node and
/metrics on each app node. Faults are injected by scripts/chaos, which appends them to
--faults as JSON lines ({"t": epoch, "kind": "fault"|"note", "what": "..."}).

At the end it waits for the outbox to drain, then checks and prints:
  - requests by kind and status; every 500 (there must be none);
  - for each fault, the seconds with 503/502/504/connection errors after it;
  - every acknowledged transaction in the ledger exactly once, totals equal to their sum;
  - every outbox row delivered to the SMTP sink exactly once;
  - reads served by standbys (pg_stat_database on standbys, db_reads_total on /metrics);
  - read-your-writes: a listing just published is found by its author.
Exits 1 when a promise is broken.
"""

import argparse
import collections
import decimal
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse

PASSWORD = "ptce-demo-2026"  # the demo accounts' password (local use only)
# 503 is the app's answer (problem+json, Retry-After); "503h" haproxy's when no node is ready.
TRANSIENT = {502, 503, "503h", 504, "conn"}

# Coordinators whose pôle has at least two approved demo enterprises.
COORDINATORS = [
    ("coordination.archer@demo.ptce.fr", "pole-sud-archer"),
    ("coordination.vosges@demo.ptce.fr", "pole-bois-vosges"),
    ("coordination.roubaix@demo.ptce.fr", "pole-textile-roubaix"),
    ("coordination.strasbourg@demo.ptce.fr", "alsace-cooperative"),
    ("coordination.lyon@demo.ptce.fr", "ecopole-lyonnais"),
]
PUBLISHERS = [
    ("sophie.valentin@demo.ptce.fr", "16.10A", "88447", "wood"),
    ("marie.dupont@demo.ptce.fr", "15.20Z", "26281", "textile"),
    ("lukas.meyer@demo.ptce.fr", "11.05Z", "67482", "organic_food"),
    ("fatou.diallo@demo.ptce.fr", "14.13Z", "59599", "textile"),
]
SEARCHES = [
    "/api/v1/listings?q=bois",
    "/api/v1/listings?q=chutes%20de%20ch%C3%AAne",
    "/api/v1/listings?category=local_resource&kind=offer",
    "/api/v1/listings?near=26281&radius_km=80",
    "/api/v1/listings?departement=88",
    "/api/v1/listings?naf=16",
    "/api/v1/listings?material=textile",
    "/api/v1/listings?limit=50",
    "/api/v1/poles",
    "/api/v1/poles/pole-bois-vosges",
    "/api/v1/reference/communes?q=romans",
]


def now():
    return time.time()


class Recorder:
    """Every answer the clients saw, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []  # (t_start, t_end, label, status, attempt)
        self.errors_500 = []  # dicts
        self.gave_up = []  # (t, label, last status)
        self.acked = {}  # key -> {"id", "amount", "exchange_id", "t"}
        self.sent_keys = {}  # key -> amount (every money key ever sent)
        self.unacked = {}  # key -> last status (gave up or refused)
        self.exchanges = {}  # exchange id -> key
        self.ryw = {"checked": 0, "missed": []}
        self.other = collections.Counter()
        self.conn_errors = []

    def add(self, *event):
        with self.lock:
            self.events.append(event)


class Client:
    """One user's HTTP/1.1 connection to haproxy, with a real client's retries."""

    def __init__(self, base, rec, retry_budget, name):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        if not (self.host.startswith("127.") or self.host in ("localhost", "::1")):
            raise SystemExit("chaos_load: loopback targets only")
        self.rec = rec
        self.retry_budget = retry_budget
        self.name = name
        self.conn = None
        self.token = None

    def _send(self, method, path, body, headers):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            status = resp.status
            if status == 503 and resp.getheader("X-Served-By") == "haproxy":
                status = "503h"
            return status, resp.getheader("Retry-After"), data
        except (OSError, http.client.HTTPException):
            try:
                self.conn.close()
            finally:
                self.conn = None
            raise

    def call(self, label, method, path, body=None, idem=None, auth=True):
        """Returns (status, json-or-None); status "gave_up" after the retry budget."""
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idem:
            headers["Idempotency-Key"] = idem
        first = now()
        attempt = 0
        last = None
        while True:
            attempt += 1
            t0 = now()
            retry_after = None
            try:
                status, retry_after, data = self._send(method, path, payload, headers)
            except (OSError, http.client.HTTPException) as error:
                status, data = "conn", f"{type(error).__name__}: {error}".encode()
                with self.rec.lock:
                    self.rec.conn_errors.append({"t": now(), "label": label, "error": data.decode()})
            t1 = now()
            self.rec.add(t0, t1, label, status, attempt)
            last = status
            if status == 500:
                with self.rec.lock:
                    self.rec.errors_500.append({
                        "t": t1, "label": label, "method": method, "path": path,
                        "attempt": attempt, "body": data[:2000].decode("utf-8", "replace"),
                    })
            if status in TRANSIENT:
                if now() - first > self.retry_budget:
                    with self.rec.lock:
                        self.rec.gave_up.append((t1, label, last))
                    return "gave_up", None
                pause = 0.5
                if retry_after:
                    try:
                        pause = min(float(retry_after), 10.0)
                    except ValueError:
                        pass
                time.sleep(pause + random.uniform(0, 0.25))
                continue
            try:
                parsed = json.loads(data) if data else None
            except ValueError:
                parsed = None
            return status, parsed

    def login(self, email):
        status, body = self.call("POST /auth/login", "POST", "/api/v1/auth/login",
                                 {"email": email, "password": PASSWORD}, auth=False)
        if status != 200:
            raise RuntimeError(f"{self.name}: login {email}: {status} {body}")
        self.token = body["token"]


def luhn_valid(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_digit(prefix):
    return next(d for d in "0123456789" if luhn_valid(prefix + d))


def siret_for(siren_body, nic_body):
    siren8 = f"{siren_body % 100_000_000:08d}"
    siren = siren8 + luhn_digit(siren8)
    first13 = siren + f"{nic_body % 10_000:04d}"
    return first13 + luhn_digit(first13)


# ---------------------------------------------------------------------------------------
# Workers


def money_worker(args, rec, run_id, index, stop_at, per_exchange=20):
    email, pole = COORDINATORS[index % len(COORDINATORS)]
    c = Client(args.base, rec, args.retry_budget, f"money{index}")
    c.login(email)
    status, pole_view = c.call("GET /poles/{slug}", "GET", f"/api/v1/poles/{pole}")
    members = [m["id"] for m in (pole_view or {}).get("members", [])]
    if len(members) < 2:
        raise RuntimeError(f"money{index}: pôle {pole} has fewer than two approved members")
    exchange, count, n_exchange, seq = None, 0, 0, 0
    rng = random.Random(f"{run_id}-{index}")
    while now() < stop_at:
        if exchange is None or count >= per_exchange:
            n_exchange += 1
            key = f"chaos-{run_id}-x{index}-{n_exchange}"
            a, b = rng.sample(members, 2)
            body = {"provider_enterprise_id": a, "beneficiary_enterprise_id": b,
                    "category": "local_resource", "title": f"Chaos {run_id} échange {index}-{n_exchange}",
                    "quantity": "100", "unit": "kg", "unit_price": "1.50"}
            status, view = c.call("POST /exchanges", "POST", "/api/v1/exchanges", body, idem=key)
            if status != 201:
                rec.other[f"exchange not created: {status}"] += 1
                time.sleep(1)
                continue
            exchange = view["id"]
            with rec.lock:
                rec.exchanges[exchange] = key
            status, _ = c.call("POST /exchanges/{id}/transition", "POST",
                               f"/api/v1/exchanges/{exchange}/transition",
                               {"to": "in_progress", "note": "chaos"})
            if status != 200:
                # A retry after a lost answer finds the exchange moved already.
                s2, view = c.call("GET /exchanges/{id}", "GET", f"/api/v1/exchanges/{exchange}")
                if not (s2 == 200 and view and view.get("status") == "in_progress"):
                    rec.other[f"transition failed: {status}"] += 1
                    exchange = None
                    continue
            count = 0
        seq += 1
        key = f"chaos-{run_id}-t{index}-{seq}"
        amount = decimal.Decimal(rng.randint(100, 99999)) / 100
        body = {"amount": str(amount), "vat_rate": rng.choice(["20", "5.5", "0", "10", "2.1"]),
                "description": f"chaos {run_id} {key}"}
        with rec.lock:
            rec.sent_keys[key] = amount
        status, view = c.call("POST /exchanges/{id}/transactions", "POST",
                              f"/api/v1/exchanges/{exchange}/transactions", body, idem=key)
        if status == 201:
            with rec.lock:
                rec.acked[key] = {"id": view["id"], "amount": str(amount),
                                  "exchange_id": exchange, "t": now()}
            count += 1
        else:
            with rec.lock:
                rec.unacked[key] = status
        if seq % 5 == 0:
            c.call("GET /exchanges/{id}", "GET", f"/api/v1/exchanges/{exchange}")
        if seq % 7 == 0:
            c.call("GET /exchanges/{id}/transactions", "GET", f"/api/v1/exchanges/{exchange}/transactions")
        time.sleep(rng.uniform(0.05, 0.25))


def search_worker(args, rec, run_id, index, stop_at):
    c = Client(args.base, rec, args.retry_budget, f"search{index}")
    rng = random.Random(f"{run_id}-s{index}")
    seen = []
    while now() < stop_at:
        path = rng.choice(SEARCHES)
        label = "GET " + re.sub(r"/poles/[a-z-]+", "/poles/{slug}", path.split("?")[0].removeprefix("/api/v1"))
        status, body = c.call(label, "GET", path, auth=False)
        if status == 200 and body and "items" in body:
            seen.extend(item["id"] for item in body["items"][:5] if "id" in item)
            seen = seen[-200:]
        if seen and rng.random() < 0.3:
            c.call("GET /listings/{id}", "GET", f"/api/v1/listings/{rng.choice(seen)}", auth=False)
        time.sleep(rng.uniform(0.02, 0.15))


def listing_body(enterprise_id, naf, commune, material, title):
    return {
        "enterprise_id": enterprise_id, "kind": random.choice(["offer", "need"]),
        "category": "local_resource", "title": title,
        "description": "Annonce publiée pendant un essai de pannes (scripts/chaos).",
        "naf": naf, "commune": commune, "radius_km": 80,
        "quantity": str(random.randint(1, 50)), "unit": "t",
        "details": {"resource_type": "by_product", "recurrence": "recurring", "material": material},
        "publish": True,
    }


def publish_worker(args, rec, run_id, index, stop_at):
    email, naf, commune, material = PUBLISHERS[index % len(PUBLISHERS)]
    c = Client(args.base, rec, args.retry_budget, f"publish{index}")
    c.login(email)
    status, mine = c.call("GET /enterprises", "GET", "/api/v1/enterprises?mine=true")
    enterprise = mine["items"][0]["id"]
    rng = random.Random(f"{run_id}-p{index}")
    n = 0
    while now() < stop_at:
        n += 1
        body = listing_body(enterprise, naf, commune, material, f"Chaos {run_id} annonce {index}-{n}")
        status, view = c.call("POST /listings", "POST", "/api/v1/listings", body)
        if status == 201 and view:
            # Read your own write at once, as the author's next page does.
            s2, _ = c.call("GET /listings/{id}", "GET", f"/api/v1/listings/{view['id']}")
            with rec.lock:
                rec.ryw["checked"] += 1
                if s2 != 200:
                    rec.ryw["missed"].append({"t": now(), "listing": view["id"], "status": s2})
            s3, page = c.call("GET /listings", "GET", f"/api/v1/listings?enterprise={enterprise}&limit=5")
        time.sleep(rng.uniform(0.5, 1.5))


def register_worker(args, rec, run_id, index, stop_at):
    rng = random.Random(f"{run_id}-r{index}")
    n = 0
    while now() < stop_at:
        n += 1
        c = Client(args.base, rec, args.retry_budget, f"register{index}")
        email = f"chaos-{run_id}-{index}-{n}@example.org"
        status, body = c.call("POST /auth/register", "POST", "/api/v1/auth/register",
                              {"email": email, "password": "chaos-load-password-2026",
                               "display_name": f"Chaos {index}-{n}", "locale": "fr"}, auth=False)
        if status == 409:
            # Registered by an attempt whose answer was lost: sign in instead.
            status, body = c.call("POST /auth/login", "POST", "/api/v1/auth/login",
                                  {"email": email, "password": "chaos-load-password-2026"}, auth=False)
        if status not in (200, 201) or not body:
            time.sleep(0.5)
            continue
        c.token = body["token"]
        siret = siret_for(rng.randrange(10_000_000, 99_999_999), rng.randrange(1, 9999))
        status, ent = c.call("POST /enterprises", "POST", "/api/v1/enterprises", {
            "siret": siret, "name": f"Coopérative chaos {index}-{n}", "legal_form": "scop",
            "ess": True, "naf": "16.23Z", "commune": "26281", "headcount": 5,
            "poles": ["pole-sud-archer"]})
        if status == 409:
            status, mine = c.call("GET /enterprises", "GET", "/api/v1/enterprises?mine=true")
            ent = (mine or {}).get("items", [None])[0] if status == 200 else None
        if ent:
            c.call("POST /listings", "POST", "/api/v1/listings",
                   listing_body(ent["id"], "16.23Z", "26281", "wood", f"Chaos {run_id} chutes {index}-{n}"))
        time.sleep(rng.uniform(0.3, 1.0))


# ---------------------------------------------------------------------------------------
# Sampling PostgreSQL and /metrics during the run


class Psql:
    def __init__(self, psql, ports):
        self.psql = psql
        self.ports = ports

    def query(self, url, sql, timeout=10):
        out = subprocess.run([self.psql, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                              url, "-c", sql], capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip())
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def node(self, port, sql):
        return self.query(f"postgres://postgres@127.0.0.1:{port}/ptce?connect_timeout=2", sql, timeout=5)

    def primary(self, sql, timeout=30):
        hosts = ",".join(f"127.0.0.1:{p}" for p in self.ports)
        return self.query(f"postgres://postgres@{hosts}/ptce?target_session_attrs=read-write&connect_timeout=3",
                          sql, timeout=timeout)


NODE_SQL = """select pg_is_in_recovery()::text, coalesce(string_agg(
  pid || ' ' || application_name || ' ' || coalesce(extract(epoch from query_start)::text, '') || ' ' || state, ';'), '')
from pg_stat_activity
where datname = 'ptce' and backend_type = 'client backend' and application_name like 'ptce-app%'"""

METRIC_RE = re.compile(r'^(db_reads_total)\{[^}]*target="(primary|replica)"[^}]*\}\s+([0-9.eE+-]+)'
                       r'|^(db_replica_lag_seconds|db_replica_up)(?:\{[^}]*\})?\s+([0-9.eE+-]+)')


class Sampler(threading.Thread):
    def __init__(self, psql, app_ports, stop):
        super().__init__(daemon=True)
        self.psql = psql
        self.app_ports = app_ports
        self.stop = stop
        self.queries_seen = set()  # (port, pid, query_start) of app replica connections
        self.standby_queries = collections.Counter()
        self.rw_on_standby = 0
        self.samples = 0
        self.active_replica_samples = collections.Counter()
        self.replica_conn_max = collections.Counter()
        self.metrics_prev = {}
        self.reads = collections.Counter()  # "primary"/"replica" -> increase over the run
        self.metrics_seen = False
        self.scraped = set()  # app ports whose /metrics answered at least once
        self.lag_max = None
        self.replica_up = collections.Counter()  # True/False -> scrapes showing db_replica_up 1/0
        self.timeline = []  # (t, port, role)

    def sample_nodes(self):
        """On each node: is it a standby, and the app's connections there with the start of
        their last query. A query_start not seen before on a standby is a query the app ran
        on it: their count is a lower bound of the app's queries on standbys."""
        self.samples += 1
        for port in self.psql.ports:
            try:
                row = self.psql.node(port, NODE_SQL)[0]
            except Exception:
                continue
            standby = row[0] == "true"
            self.timeline.append((now(), port, "standby" if standby else "primary"))
            conns = [c.split(" ") for c in row[1].split(";") if c] if len(row) > 1 else []
            replica_conns = 0
            for pid, app, started, state in ((c + ["", "", "", ""])[:4] for c in conns):
                if not standby:
                    continue
                if not app.endswith("-replica"):
                    self.rw_on_standby += 1  # a read-write connection on a standby: wrong
                    continue
                replica_conns += 1
                if started and (port, pid, started) not in self.queries_seen:
                    self.queries_seen.add((port, pid, started))
                    self.standby_queries[port] += 1
                if state == "active":
                    self.active_replica_samples[port] += 1
            if standby:
                self.replica_conn_max[port] = max(self.replica_conn_max[port], replica_conns)

    def sample_metrics(self):
        for port in self.app_ports:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
                conn.request("GET", "/metrics")
                text = conn.getresponse().read().decode("utf-8", "replace")
                conn.close()
            except (OSError, http.client.HTTPException):
                continue
            first_scrape = port not in self.scraped
            self.scraped.add(port)
            for line in text.splitlines():
                m = METRIC_RE.match(line)
                if not m:
                    continue
                self.metrics_seen = True
                if m.group(1):
                    key = (port, m.group(2))
                    value = float(m.group(3))
                    before = self.metrics_prev.get(key)
                    # A counter of the prometheus crate appears with its first increment: a
                    # label missing from an earlier scrape of this node was at zero then.
                    if before is None and not first_scrape:
                        before = 0.0
                    # A restarted node starts from zero again: count what it did since.
                    if before is not None:
                        self.reads[m.group(2)] += value - before if value >= before else value
                    self.metrics_prev[key] = value
                elif m.group(4) == "db_replica_up":
                    self.replica_up[float(m.group(5)) >= 1] += 1
                else:
                    lag = float(m.group(5))
                    self.lag_max = lag if self.lag_max is None else max(self.lag_max, lag)

    def run(self):
        tick = 0
        while not self.stop.is_set():
            self.sample_nodes()
            if tick % 3 == 0:
                self.sample_metrics()
            tick += 1
            self.stop.wait(1.0)
        self.sample_nodes()
        self.sample_metrics()


# ---------------------------------------------------------------------------------------
# Checks and the report


def read_faults(path):
    faults = []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    faults.append(json.loads(line))
    return sorted(faults, key=lambda x: x["t"])


def error_windows(events, faults, start, end):
    """For the time before the first fault and after each fault (until the next one):
    seconds with a 502/503/504/connection error, first and last such second."""
    marks = [{"t": start, "what": "(before any fault)"}] + [f for f in faults if f.get("kind") == "fault"]
    rows = []
    for i, mark in enumerate(marks):
        t0 = mark["t"]
        t1 = marks[i + 1]["t"] if i + 1 < len(marks) else end
        bad = [e for e in events if t0 <= e[1] < t1 and e[3] in TRANSIENT]
        counts = collections.Counter(str(e[3]) for e in bad)
        seconds = sorted({int(e[1] - t0) for e in bad})
        total = sum(1 for e in events if t0 <= e[1] < t1)
        # The longest time in the window during which no client got a real answer.
        served = sorted(e[1] for e in events if t0 <= e[1] < t1 and e[3] not in TRANSIENT)
        gap, previous = 0.0, t0
        for t in served + [t1]:
            gap, previous = max(gap, t - previous), t
        rows.append({
            "fault": mark["what"], "at": round(t0 - start, 1), "window_s": round(t1 - t0, 1),
            "requests": total, "error_seconds": len(seconds), "gap": round(gap, 1),
            "first": seconds[0] if seconds else None, "last": seconds[-1] if seconds else None,
            "503": counts.get("503", 0), "503h": counts.get("503h", 0),
            "502": counts.get("502", 0), "504": counts.get("504", 0),
            "conn": counts.get("conn", 0),
        })
    return rows


def check_ledger(rec, psql, run_id, base):
    result = {"ok": True, "problems": []}
    rows = psql.primary(f"select id, exchange_id, amount::text, description from transactions "
                        f"where description like 'chaos {run_id} %' order by id", timeout=60)
    by_key = collections.defaultdict(list)
    for tid, exchange_id, amount, description in rows:
        by_key[description.split(" ")[-1]].append((int(tid), int(exchange_id), decimal.Decimal(amount)))
    acked = rec.acked
    missing = [k for k in acked if k not in by_key]
    dupes = [k for k, v in by_key.items() if len(v) > 1]
    wrong = [k for k, v in acked.items() if k in by_key and (by_key[k][0][0] != v["id"]
                                                               or by_key[k][0][2] != decimal.Decimal(v["amount"]))]
    unacked_in_ledger = [k for k in by_key if k not in acked]
    unknown = [k for k in unacked_in_ledger if k not in rec.sent_keys]
    acked_sum = sum((decimal.Decimal(v["amount"]) for v in acked.values()), decimal.Decimal(0))
    ledger_acked_sum = sum((by_key[k][0][2] for k in acked if k in by_key), decimal.Decimal(0))
    ledger_sum = sum((r[2] for v in by_key.values() for r in v), decimal.Decimal(0))
    committed_unacked_sum = sum((by_key[k][0][2] for k in unacked_in_ledger), decimal.Decimal(0))
    # The service's own totals, exchange by exchange, against the ledger rows.
    per_exchange = collections.defaultdict(lambda: [0, decimal.Decimal(0)])
    for v in by_key.values():
        for _tid, exchange_id, amount in v:
            per_exchange[exchange_id][0] += 1
            per_exchange[exchange_id][1] += amount
    sql_totals = {int(e): (int(n), decimal.Decimal(s)) for e, n, s in psql.primary(
        "select exchange_id, count(*), sum(amount)::text from transactions where exchange_id in ("
        + (",".join(str(e) for e in rec.exchanges) or "0") + ") group by exchange_id", timeout=60)}
    api_mismatch = []
    c = Client(base, Recorder(), 60, "check")  # the checks' own requests are not the load's
    api_checked = 0
    for index in range(len(COORDINATORS)):
        c.login(COORDINATORS[index][0])
        status, listing = c.call("GET /exchanges", "GET", "/api/v1/exchanges?status=in_progress")
        for ex in (listing or {}).get("items", []):
            if ex["id"] not in rec.exchanges:
                continue
            api_checked += 1
            count, amount = per_exchange.get(ex["id"], [0, decimal.Decimal(0)])
            t = ex["totals"]
            if int(t["count"]) != count or decimal.Decimal(t["amount"]) != amount:
                api_mismatch.append({"exchange": ex["id"], "api": t, "ledger": [count, str(amount)]})
    sql_mismatch = [e for e, (n, s) in sql_totals.items() if per_exchange[e][0] != n or per_exchange[e][1] != s]
    result.update({
        "acknowledged": len(acked), "acked_sum": str(acked_sum), "ledger_rows": len(rows),
        "ledger_acked_sum": str(ledger_acked_sum), "ledger_sum": str(ledger_sum),
        "missing": missing, "duplicates": dupes, "wrong": wrong,
        "committed_not_acknowledged": len(unacked_in_ledger),
        "committed_not_acknowledged_sum": str(committed_unacked_sum),
        "not_acknowledged": len(rec.unacked), "unknown_keys": unknown,
        "exchanges": len(rec.exchanges), "api_totals_checked": api_checked,
        "api_mismatch": api_mismatch, "sql_mismatch": sql_mismatch,
    })
    if missing or dupes or wrong or unknown or api_mismatch or sql_mismatch or ledger_acked_sum != acked_sum:
        result["ok"] = False
    if ledger_sum != acked_sum + committed_unacked_sum:
        result["ok"] = False
    return result


def check_outbox(psql, smtp_log, drain_timeout):
    start = now()
    waiting = None
    while now() - start < drain_timeout:
        try:
            waiting = int(psql.primary("select count(*) from outbox where status = 'pending'")[0][0])
        except Exception:
            waiting = None
        if waiting == 0:
            break
        time.sleep(2)
    drained_after = now() - start
    time.sleep(2)  # a message accepted by the sink just before its row was marked sent
    rows = psql.primary("select id, status from outbox", timeout=60)
    status = {int(i): s for i, s in rows}
    delivered = collections.Counter()
    received_at = collections.defaultdict(list)
    foreign = 0
    if os.path.exists(smtp_log):
        with open(smtp_log) as f:
            for line in f:
                message = json.loads(line)
                m = re.match(r"<outbox-(\d+)@", message.get("message_id", ""))
                if m:
                    delivered[int(m.group(1))] += 1
                    received_at[int(m.group(1))].append(message["received_at"])
                else:
                    foreign += 1
    sent = [i for i, s in status.items() if s == "sent"]
    result = {
        "rows": len(status), "sent": len(sent),
        "pending": sum(1 for s in status.values() if s == "pending"),
        "dead": sum(1 for s in status.values() if s == "dead"),
        "messages_received": sum(delivered.values()) + foreign,
        "sent_once": sum(1 for i in sent if delivered[i] == 1),
        "sent_never_received": [i for i in sent if delivered[i] == 0],
        "received_more_than_once": {str(i): n for i, n in delivered.items() if n > 1},
        "duplicate_times": {str(i): received_at[i] for i, n in delivered.items() if n > 1},
        "distinct_received": len(delivered),
        "received_without_row": [i for i in delivered if i not in status] + (["(no outbox Message-ID)"] * foreign),
        "received_but_not_marked_sent": [i for i in delivered if status.get(i) not in (None, "sent")],
        "drained_in_s": round(drained_after, 1) if waiting == 0 else None,
    }
    result["ok"] = (waiting == 0 and result["dead"] == 0 and not result["sent_never_received"]
                    and not result["received_more_than_once"] and not result["received_without_row"]
                    and not result["received_but_not_marked_sent"] and result["sent_once"] == len(sent))
    return result


def duplicates_at_app_kills(outbox, faults):
    """The duplicates a SIGKILL of an app node explains: a message its worker had handed to
    the SMTP server in the instant it was killed, before the row could be marked sent, is
    sent again when its lease expires (at-least-once; the Message-ID lets a receiver drop
    it). One such message per kill at most (a node's worker sends one message at a time),
    received exactly twice, the first time within a second of the kill. Returns
    ({outbox id: fault}, [other duplicated ids])."""
    kills = [f for f in faults if f.get("kind") == "fault" and f["what"].startswith("kill -9 app")]
    at_kill, other, used = {}, [], set()
    dup = outbox.get("duplicate_times", {})
    for i in sorted(dup, key=lambda k: min(dup[k])):
        first = min(dup[i])
        kill = next((k for k in kills if abs(first - k["t"]) <= 1.0), None)
        if kill is not None and len(dup[i]) == 2 and kill["t"] not in used:
            used.add(kill["t"])
            at_kill[i] = kill
        else:
            other.append(i)
    return at_kill, other


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    line = "| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    out = [line, sep]
    for r in rows:
        out.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description="scripts/chaos load client and checks")
    p.add_argument("--base", default="http://127.0.0.1:8090")
    p.add_argument("--duration", type=float, default=200)
    p.add_argument("--money", type=int, default=4)
    p.add_argument("--search", type=int, default=3)
    p.add_argument("--publish", type=int, default=2)
    p.add_argument("--register", type=int, default=1)
    p.add_argument("--retry-budget", type=float, default=120)
    p.add_argument("--faults", required=True)
    p.add_argument("--out", required=True, help="directory for results.json and events.jsonl")
    p.add_argument("--psql", required=True)
    p.add_argument("--pg-ports", default="6011,6012,6013")
    p.add_argument("--app-ports", default="8081,8082,8083")
    p.add_argument("--smtp-log", required=True)
    p.add_argument("--drain-timeout", type=float, default=240)
    p.add_argument("--started-file", help="written once the workers have signed in")
    args = p.parse_args()

    run_id = time.strftime("%H%M%S") + f"{random.randrange(100):02d}"
    os.makedirs(args.out, exist_ok=True)
    rec = Recorder()
    psql = Psql(args.psql, [int(x) for x in args.pg_ports.split(",")])
    stop = threading.Event()
    sampler = Sampler(psql, [int(x) for x in args.app_ports.split(",")], stop)
    sampler.sample_metrics()  # the baseline of the counters

    start = now()
    stop_at = start + args.duration
    kinds = [(money_worker, args.money), (search_worker, args.search),
             (publish_worker, args.publish), (register_worker, args.register)]
    threads = []
    crashed = []

    def guard(fn, *a):
        try:
            fn(*a)
        except Exception as error:  # a worker that breaks is a finding, not a crash of the run
            crashed.append(f"{fn.__name__}{a[3]}: {error!r}")

    for fn, count in kinds:
        for i in range(count):
            t = threading.Thread(target=guard, args=(fn, args, rec, run_id, i, stop_at), daemon=True)
            t.start()
            threads.append(t)
    sampler.start()
    if args.started_file:
        with open(args.started_file, "w") as f:
            f.write(str(start))
    print(f"chaos load {run_id}: {len(threads)} workers for {args.duration:.0f} s through {args.base}", flush=True)
    last_print = start
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        if now() - last_print >= 10:
            last_print = now()
            with rec.lock:
                recent = [e for e in rec.events if e[1] >= last_print - 10]
            c = collections.Counter(str(e[3]) for e in recent)
            print(f"  t={now() - start:5.0f}s  last 10 s: {len(recent)} answers {dict(sorted(c.items()))}, "
                  f"{len(rec.acked)} transactions acknowledged", flush=True)
        if now() > stop_at + args.retry_budget + 30:
            print("workers still busy long after the end: stopping the wait", flush=True)
            break
    end = now()
    stop.set()
    sampler.join(timeout=20)

    with open(os.path.join(args.out, "events.jsonl"), "w") as f:
        for e in rec.events:
            f.write(json.dumps({"t0": e[0], "t1": e[1], "kind": e[2], "status": e[3], "attempt": e[4]}) + "\n")

    print("checking: ledger, outbox (waiting for it to drain), standby reads...", flush=True)
    faults = read_faults(args.faults)
    failures = []
    try:
        ledger = check_ledger(rec, psql, run_id, args.base)
    except Exception as error:
        ledger = {"ok": False, "error": repr(error)}
    try:
        outbox = check_outbox(psql, args.smtp_log, args.drain_timeout)
    except Exception as error:
        outbox = {"ok": False, "error": repr(error)}
    windows = error_windows(rec.events, faults, start, end)

    # ---- the report
    out = []
    by_kind = collections.defaultdict(collections.Counter)
    for e in rec.events:
        by_kind[e[2]][str(e[3])] += 1
    statuses = sorted({s for c in by_kind.values() for s in c}, key=lambda s: (not s.isdigit(), s))
    rows = [[k] + [by_kind[k].get(s, "") for s in statuses] + [sum(by_kind[k].values())] for k in sorted(by_kind)]
    rows.append(["total"] + [sum(by_kind[k].get(s, 0) for k in by_kind) for s in statuses]
                + [sum(sum(c.values()) for c in by_kind.values())])
    out.append(f"Chaos run {run_id}: {len(threads)} workers, {end - start:.0f} s of load, "
               f"{len(rec.events)} answers (retries included)\n")
    out.append("Requests by kind and status (every attempt, retries included):\n")
    out.append(table(["kind"] + statuses + ["all"], rows))
    out.append("")
    out.append("Faults and notes (seconds from the start of the load):\n")
    out.append(table(["t", "kind", "what"],
                     [[f"{f['t'] - start:6.1f}", f.get("kind", ""), f["what"]] for f in faults]))
    out.append("")
    out.append("Unavailability after each fault (until the next fault): the longest time without any "
               "served answer (2xx-4xx); the seconds in which at least one answer was 503/502/504 or a "
               "connection error (clients wait Retry-After, 5 s, between tries), and the first and last "
               "such second after the fault:\n")
    out.append(table(["after", "at s", "window s", "answers", "longest gap s", "error seconds", "first", "last",
                      "503 app", "503 haproxy", "502", "504", "conn"],
                     [[w["fault"], w["at"], w["window_s"], w["requests"], w["gap"], w["error_seconds"],
                       "" if w["first"] is None else w["first"], "" if w["last"] is None else w["last"],
                       w["503"], w["503h"], w["502"], w["504"], w["conn"]] for w in windows]))
    out.append("(503 app: the app's own answer; 503 haproxy: no app node ready, all of them failing "
               "/health/ready; conn: the connection to haproxy closed without an answer)")
    out.append("")

    checks = []
    n500 = len(rec.errors_500)
    checks.append(("no 500", n500 == 0, f"{n500} answers with status 500"))
    gave = collections.Counter(g[1] for g in rec.gave_up)
    checks.append(("every request served within the retry budget", not rec.gave_up,
                   f"{len(rec.gave_up)} given up after {args.retry_budget:.0f} s of retries"
                   + (f" ({dict(gave)})" if gave else "")))
    if "error" in ledger:
        checks.append(("ledger", False, ledger["error"]))
    else:
        checks.append(("acknowledged transactions in the ledger exactly once", not (
            ledger["missing"] or ledger["duplicates"] or ledger["wrong"] or ledger["unknown_keys"]),
            f"{ledger['acknowledged']} acknowledged, {ledger['ledger_rows']} ledger rows of this run; "
            f"missing {len(ledger['missing'])}, duplicated {len(ledger['duplicates'])}, "
            f"different id/amount {len(ledger['wrong'])}; committed but never acknowledged "
            f"{ledger['committed_not_acknowledged']} (requests given up or refused: {ledger['not_acknowledged']})"))
        checks.append(("totals equal the sum of acknowledged amounts",
                       ledger["ledger_acked_sum"] == ledger["acked_sum"] and not ledger["api_mismatch"]
                       and not ledger["sql_mismatch"]
                       and decimal.Decimal(ledger["ledger_sum"]) == decimal.Decimal(ledger["acked_sum"])
                       + decimal.Decimal(ledger["committed_not_acknowledged_sum"]),
                       f"acknowledged {ledger['acked_sum']} €, ledger {ledger['ledger_sum']} €; "
                       f"API totals of {ledger['api_totals_checked']} exchanges, "
                       f"{len(ledger['api_mismatch'])} differ; SQL sums per exchange, {len(ledger['sql_mismatch'])} differ"))
    at_kill = {}
    if "error" in outbox:
        checks.append(("outbox", False, outbox["error"]))
    else:
        at_kill, other_dups = duplicates_at_app_kills(outbox, faults)
        # Exactly once, but for the message in flight at each SIGKILL of an app node.
        outbox_ok = (outbox["drained_in_s"] is not None and outbox["dead"] == 0
                     and not outbox["sent_never_received"] and not outbox["received_without_row"]
                     and not outbox["received_but_not_marked_sent"] and not other_dups
                     and outbox["sent_once"] + len(at_kill) == outbox["sent"])
        checks.append(("every outbox email delivered exactly once (but the one in flight at an "
                       "app node's kill -9)", outbox_ok,
                       f"{outbox['rows']} rows ({outbox['sent']} sent, {outbox['pending']} pending, "
                       f"{outbox['dead']} dead), {outbox['messages_received']} messages at the sink; "
                       f"once {outbox['sent_once']}, never {len(outbox['sent_never_received'])}, "
                       f"twice or more {len(outbox['received_more_than_once'])} "
                       f"({len(at_kill)} in flight at an app node's kill -9, {len(other_dups)} otherwise), "
                       f"without a row {len(outbox['received_without_row'])}; distinct Message-IDs received "
                       f"{outbox['distinct_received']}; "
                       f"drained {outbox['drained_in_s']} s after the load"))
    standby_queries = sum(sampler.standby_queries.values())
    replica_reads = sampler.reads.get("replica", 0)
    primary_reads = sampler.reads.get("primary", 0)
    # Both sides must agree: the app counts reads on its replica pool, and its replica
    # connections are seen running queries on the standbys themselves.
    served = standby_queries > 0 and replica_reads > 0
    if sampler.metrics_seen:
        replica_ok, note = served, ""
    else:
        replica_ok, note = None, " (db_reads_total is not on /metrics in this build: reported, not judged)"
    checks.append(("reads served by standbys", replica_ok,
                   f"/metrics db_reads_total: replica {replica_reads:.0f}, primary {primary_reads:.0f}; "
                   f"pg_stat_activity on standbys ({sampler.samples} samples): app replica connections up to "
                   f"{max(sampler.replica_conn_max.values(), default=0)} per standby, at least {standby_queries} "
                   f"distinct queries seen, busy in {sum(sampler.active_replica_samples.values())} samples; "
                   f"read-write connections seen on a standby: {sampler.rw_on_standby}; max db_replica_lag_seconds "
                   f"{'n/a' if sampler.lag_max is None else f'{sampler.lag_max:.3f}'}; db_replica_up 0 in "
                   f"{sampler.replica_up[False]} of {sum(sampler.replica_up.values())} scrapes{note}"))
    ryw_missed = len(rec.ryw["missed"])
    checks.append(("read-your-writes (a listing just published is shown to its author)", ryw_missed == 0,
                   f"{rec.ryw['checked']} checked, {ryw_missed} not found"))
    if crashed:
        checks.append(("load workers ran to the end", False, "; ".join(crashed)))

    out.append("Promises:\n")
    out.append(table(["promise", "result", "measured"],
                     [[name, "not judged" if ok is None else "ok" if ok else "FAILED", detail]
                      for name, ok, detail in checks]))
    if rec.errors_500:
        out.append("\nAnswers with status 500:")
        for e in rec.errors_500[:50]:
            out.append(f"  t={e['t'] - start:.1f}s {time.strftime('%H:%M:%S', time.localtime(e['t']))} "
                       f"{e['method']} {e['path']} (attempt {e['attempt']}): {e['body'][:300]}")
    if outbox.get("duplicate_times"):
        dup = outbox["duplicate_times"]
        out.append(f"\nEmails received more than once ({len(dup)}; outbox id: seconds of each delivery, "
                   f"from the start of the load; grep the app logs for outbox_id=N):")
        for i in sorted(dup, key=lambda k: dup[k][0])[:15]:
            why = f" (first in flight at: {at_kill[i]['what']}, {at_kill[i]['t'] - start:.1f})" if i in at_kill else ""
            out.append(f"  outbox {i}: " + ", ".join(f"{t - start:.1f}" for t in dup[i]) + why)
    if rec.conn_errors:
        out.append("\nConnection errors (the client's side):")
        for e in rec.conn_errors[:20]:
            out.append(f"  t={e['t'] - start:.1f}s {e['label']}: {e['error'][:200]}")
    if rec.other:
        out.append(f"\nOther client observations: {dict(rec.other)}")
    report = "\n".join(out)
    print("\n" + report, flush=True)
    failures = [name for name, ok, _ in checks if ok is False]
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"run": run_id, "start": start, "end": end, "faults": faults, "windows": windows,
                   "ledger": ledger, "outbox": outbox, "errors_500": rec.errors_500,
                   "gave_up": rec.gave_up, "ryw_missed": rec.ryw["missed"], "crashed": crashed,
                   "checks": [{"promise": n, "ok": o, "measured": d} for n, o, d in checks]},
                  f, indent=1, default=str)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(report + "\n")
    if failures:
        print(f"\nBROKEN: {', '.join(failures)}", flush=True)
        sys.exit(1)
    print("\nAll promises held.", flush=True)


if __name__ == "__main__":
    main()
