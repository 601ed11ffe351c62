"""`make bench` (also `python -m bench.reports`): usage reports at borough scale.

With `seed-bench` data (3,000 spaces, BENCH_BOOKINGS bookings, default 1,000,000, over the
year around the day it was loaded):

- the monthly usage report for the whole borough, `GET /reports/?period=month` for the last
  whole month, rendered in-process (Flask test client) as an administrator, BENCH_REPORT_REQUESTS
  times after one warm-up (targets: under 1.5 s on PostgreSQL, under 5 s on SQLite);
- the CSV of every booking of the seeded year, `GET /reports/bookings.csv`, streamed by a
  subprocess that counts its lines; its peak resident memory (VmHWM) is the measure (target:
  under 200 MB for 1,000,000 rows).

PostgreSQL reuses the `booking_bench` database that `bench.load` keeps (loading it if needed);
SQLite uses a database file cached in BENCH_SQLITE_PATH (default
/tmp/shared-spaces-bench.sqlite), made by `flask seed-bench` the first time (some minutes).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from bench.load import BIN, BOOKINGS, DATABASE, prepare, run
from booking import ROOT, create_app, db
from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.db import make_engine
from booking.timezones import to_local

REQUESTS = int(os.environ.get("BENCH_REPORT_REQUESTS", "5"))
SQLITE = Path(os.environ.get("BENCH_SQLITE_PATH", "/tmp/shared-spaces-bench.sqlite"))
ADMINISTRATOR = "admin@council.example"

EXPORT = """
import json, sys, time
from booking import create_app, db
from booking.accounts.models import Person
from sqlalchemy import select

url, email, query = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
app = create_app({"DATABASE_URL": url, "PASSWORD_HASHING": "fast", "SECRET_KEY": "bench"})
with app.app_context():
    identity = db.session().scalar(select(Person).where(Person.email == email)).get_id()
    db.close_session()
client = app.test_client()
with client.session_transaction() as cookie:
    cookie["_user_id"] = identity
started = time.perf_counter()
response = client.get("/reports/bookings.csv", query_string=query, buffered=False)
lines = size = 0
for chunk in response.iter_encoded():
    lines += chunk.count(b"\\n")
    size += len(chunk)
seconds = time.perf_counter() - started
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(json.dumps({
    "status": response.status_code, "lines": lines, "megabytes": size / 1e6,
    "seconds": seconds, "peak_rss_mb": int(status["VmHWM"].split()[0]) / 1024,
}))
"""


def flask(url: str, *args: str) -> str:
    with tempfile.TemporaryDirectory() as instance:
        return run(
            str(BIN / "flask"),
            "--app",
            "booking",
            *args,
            DATABASE_URL=url,
            INSTANCE_PATH=instance,
            PASSWORD_HASHING="fast",
        )


def sqlite_database() -> str:
    """The cached SQLite bench database, made by `seed-bench` if it is not there yet, and
    migrated to the schema of the code being measured."""
    url = f"sqlite:///{SQLITE}"
    if not SQLITE.exists():
        started = time.perf_counter()
        flask(url, "db", "upgrade")
        print(flask(url, "seed-bench", "--bookings", str(BOOKINGS)).strip())
        print(f"  (seed-bench on SQLite took {time.perf_counter() - started:.0f} s)")
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        engine.dispose()
    flask(url, "db", "upgrade")
    return url


def seeded_year(url: str) -> tuple[date, date]:
    """The first and last days of the bookings seeded (a year, at most 366 days)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        first, last = connection.execute(
            select(func.min(Booking.starts_at), func.max(Booking.starts_at))
        ).one()
    engine.dispose()
    start, end = to_local(first).date(), to_local(last).date()
    return start, min(end, start + timedelta(days=365))


def last_whole_month() -> date:
    return (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)


def report_timings(name: str, url: str) -> dict[str, float]:
    app = create_app({"DATABASE_URL": url, "PASSWORD_HASHING": "fast", "SECRET_KEY": "bench"})
    with app.app_context():
        person = db.session().scalar(select(Person).where(Person.email == ADMINISTRATOR))
        assert person is not None, "the bench data has no administrator"
        identity = person.get_id()
        db.close_session()
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = identity
    month = {"period": "month", "date": last_whole_month().isoformat()}
    response = client.get("/reports/", query_string=month)
    assert response.status_code == 200, response.status_code
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/reports/", query_string=month)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    samples.sort()
    result = {"best": samples[0], "median": samples[len(samples) // 2], "worst": samples[-1]}
    print(
        f"  {name}: monthly borough report ({month['date'][:7]}), {REQUESTS} renders: "
        f"best {result['best']:.2f} s, median {result['median']:.2f} s, "
        f"worst {result['worst']:.2f} s"
    )
    return result


def _export(url: str, query: dict[str, str]) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", EXPORT, url, ADMINISTRATOR, json.dumps(query)],
        cwd=ROOT,
        env={**os.environ, "INSTANCE_PATH": tempfile.gettempdir()},
        capture_output=True,
        text=True,
    )
    if output.returncode:
        sys.exit(f"The export failed:\n{output.stderr}")
    result: dict[str, float] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def export_memory(name: str, url: str) -> dict[str, float]:
    """The year's export, and a month's beside it: the same peak shows memory stays flat."""
    first, last = seeded_year(url)
    month = _export(url, {"period": "month", "date": last_whole_month().isoformat()})
    year = _export(url, {"period": "custom", "from": first.isoformat(), "to": last.isoformat()})
    print(
        f"  {name}: bookings CSV {first} to {last}: {year['lines'] - 4:,.0f} bookings, "
        f"{year['megabytes']:.0f} MB in {year['seconds']:.1f} s, peak RSS "
        f"{year['peak_rss_mb']:.0f} MB (one month, {month['lines'] - 4:,.0f} bookings: "
        f"{month['peak_rss_mb']:.0f} MB)"
    )
    return year


def main() -> None:
    print(
        f"\nReports: {platform.node()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {date.today()}; {BOOKINGS:,} bookings"
    )
    with tempfile.TemporaryDirectory() as folder:
        prepare(Path(folder))
    for name, url in (("PostgreSQL", DATABASE), ("SQLite", sqlite_database())):
        report_timings(name, url)
        export_memory(name, url)


if __name__ == "__main__":
    main()
