"""`make bench-load`: the booking API under gunicorn with 4 workers, at borough scale.

On PostgreSQL, with `seed-bench` data (3,000 spaces, BENCH_BOOKINGS bookings, default
1,000,000), wrk drives three routes with concurrent connections and reports p50/p95/p99
latency and throughput:

- `GET /healthz` — a trivial route: the ceiling of this gunicorn on this machine;
- `GET /api/v1/availability?neighbourhood=…&date=…` — one neighbourhood's day (target p95 < 50 ms);
- `POST /api/v1/bookings` — a room booking, every request a different room and hour
  (target p95 < 30 ms).

The database is created once and reused while its data matches (BENCH_REUSE=0 rebuilds it),
migrated to the newest revision; the bookings and tokens earlier runs made are removed first,
so every run books the same free slots. gunicorn runs with the project's `gunicorn.conf.py`,
as `make run` does. The two GET routes are warmed up for a couple of seconds before they are
measured (each worker keeps the catalogue it has read: see `booking.catalogue.snapshot`), as a
server that has been up for a while would be; the booking route is measured from its first
request.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Connection, text

from booking import ROOT
from booking.db import make_engine

BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "1000000"))
SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
DATABASE = f"{SERVER}/booking_bench"
PORT = int(os.environ.get("BENCH_PORT", "8799"))
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = 4
WARM_UP = "2s"
BENCH_PERSON = "person0@bench.example"
BIN = ROOT / ".venv" / "bin"
LUA_REPORT = """
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  created, taken, other = 0, 0, 0
end
function response(status, headers, body)
  if status == 200 or status == 201 then created = created + 1
  elseif status == 409 then taken = taken + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local ok, conflict, bad = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("created"); conflict = conflict + thread:get("taken")
    bad = bad + thread:get("other")
  end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50": %d, "p95": %d, "p99": %d, '
    .. '"ok": %d, "conflict": %d, "other": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), ok, conflict, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def run(*args: str, **env: str) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True, text=True
    )
    return result.stdout


def flask(*args: str, instance: Path) -> str:
    return run(
        str(BIN / "flask"),
        "--app",
        "booking",
        *args,
        DATABASE_URL=DATABASE,
        INSTANCE_PATH=str(instance),
        PASSWORD_HASHING="fast",
    )


def prepare(instance: Path) -> None:
    """Create and load the bench database unless it already holds the wanted data."""
    admin = make_engine(f"{SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname='booking_bench'"))
    if exists and os.environ.get("BENCH_REUSE", "1") == "1":
        bench = make_engine(DATABASE)
        with bench.connect() as connection:
            count = connection.scalar(text("SELECT count(*) FROM booking"))
            if count and count >= BOOKINGS:
                forget_earlier_runs(connection)
        bench.dispose()
        if count and count >= BOOKINGS:
            print(f"Reusing booking_bench ({count} bookings).")
            flask("db", "upgrade", instance=instance)  # the schema of the code being measured
            return
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS booking_bench WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE booking_bench"))
    admin.dispose()
    flask("db", "upgrade", instance=instance)
    started = time.perf_counter()
    print(flask("seed-bench", "--bookings", str(BOOKINGS), instance=instance).strip())
    print(f"  (seed-bench took {time.perf_counter() - started:.0f} s)")
    bench = make_engine(DATABASE)
    with bench.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    bench.dispose()


def forget_earlier_runs(connection: Connection) -> None:
    """Remove the bookings earlier runs made (with their audit entries) and revoke their tokens."""
    made = (
        "SELECT booking.id FROM booking JOIN person ON person.id = booking.person_id "
        "WHERE person.email = :email AND booking.title = 'Bench'"
    )
    for statement in (
        "DELETE FROM audit_entry WHERE subject_type = 'booking' AND subject_id IN (" + made + ")",
        "DELETE FROM booking_attendee WHERE booking_id IN (" + made + ")",
        "DELETE FROM booking WHERE id IN (" + made + ")",
        "UPDATE access_token SET revoked_at = now() WHERE revoked_at IS NULL AND name = 'bench' "
        "AND person_id = (SELECT id FROM person WHERE email = :email)",
    ):
        connection.execute(text(statement), {"email": BENCH_PERSON})
    connection.commit()


def targets() -> tuple[str, list[int], list[date]]:
    """A neighbourhood to search, bench rooms to book, and weekdays beyond the seeded ones."""
    bench = make_engine(DATABASE)
    with bench.connect() as connection:
        slug = connection.scalar(text("SELECT slug FROM neighbourhood ORDER BY id LIMIT 1"))
        rooms = list(
            connection.scalars(
                text(
                    "SELECT space.id FROM space JOIN building ON building.id = space.building_id "
                    "WHERE building.name LIKE 'Bench building %' AND space.kind <> 'desk' ORDER BY 1"
                )
            )
        )
    bench.dispose()
    first = date.today() + timedelta(days=70)
    days = [
        first + timedelta(days=n) for n in range(19) if (first + timedelta(days=n)).weekday() < 5
    ]
    return str(slug), rooms, days


def booking_script(token: str, rooms: list[int], days: list[date]) -> str:
    room_list = ",".join(map(str, rooms))
    day_list = ",".join(f'"{d.isoformat()}"' for d in days)
    return (
        LUA_REPORT
        + f"""
local rooms = {{{room_list}}}
local days = {{{day_list}}}
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
function request()
  local i = counter * 2 + wrk.thread:get("id")
  counter = counter + 1
  local room = rooms[(i % #rooms) + 1]
  local slot = math.floor(i / #rooms)
  local day = days[(slot % #days) + 1]
  local hour = 8 + math.floor(slot / #days) % 10
  local body = string.format(
    '{{"space_id": %d, "start": "%sT%02d:00", "end": "%sT%02d:00", "title": "Bench"}}',
    room, day, hour, day, hour + 1)
  return wrk.format(nil, "/api/v1/bookings", nil, body)
end
"""
    )


def wrk(path: str, script: str, label: str, *, warm_up: bool = False) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    url = f"http://127.0.0.1:{PORT}{path}"
    if warm_up:
        run("wrk", "-t2", f"-c{CONNECTIONS}", f"-d{WARM_UP}", "-s", file.name, url)
    output = run("wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "-s", file.name, url)
    Path(file.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    result["label"] = label  # type: ignore[assignment]
    result["rps"] = result["requests"] / result["seconds"]
    return result


def serve(instance: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench",
        "PASSWORD_HASHING": "fast",
    }
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        prepare(instance)
        slug, rooms, days = targets()
        created = flask("create-token", BENCH_PERSON, "--name", "bench", instance=instance)
        token = created.split()[-1]
        server = serve(instance)
        try:
            auth = LUA_REPORT + f'wrk.headers["Authorization"] = "Bearer {token}"\n'
            search_day = days[0] - timedelta(days=60)
            while search_day.weekday() >= 5:
                search_day += timedelta(days=1)
            results = [
                wrk(
                    "/healthz",
                    LUA_REPORT,
                    "GET /healthz (trivial route, the ceiling)",
                    warm_up=True,
                ),
                wrk(
                    f"/api/v1/availability?neighbourhood={slug}&date={search_day.isoformat()}",
                    auth,
                    f"GET /api/v1/availability (one neighbourhood, {search_day})",
                    warm_up=True,
                ),
                wrk("/", booking_script(token, rooms, days), "POST /api/v1/bookings (a room)"),
            ]
        finally:
            server.terminate()
            server.wait()
    print(
        f"\n{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{date.today()}; gunicorn {WORKERS} sync workers; wrk 2 threads, {CONNECTIONS} "
        f"connections, {DURATION} each; {BOOKINGS:,} bookings\n"
    )
    print("| route | requests/s | p50 | p95 | p99 | 2xx | 409 | other |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['label']} | {r['rps']:.0f} | {r['p50'] / 1000:.1f} ms | "
            f"{r['p95'] / 1000:.1f} ms | {r['p99'] / 1000:.1f} ms | {r['ok']:.0f} | "
            f"{r['conflict']:.0f} | {r['other']:.0f} |"
        )
    if any(r["other"] or r["socket_errors"] for r in results):
        sys.exit("Some requests failed: see the table.")


if __name__ == "__main__":
    main()
