"""`make bench`: server-side timings of the pages people open most, on the demo catalogue.

Each page is rendered in-process (Flask test client, no network) on SQLite and, when it is
running, PostgreSQL; the numbers go in docs/PERFORMANCE.md with the machine and the date.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select, text

from booking import create_app, db, migrate
from booking.accounts.models import Person
from booking.catalogue.models import Building, Neighbourhood
from booking.db import make_engine
from booking.demo.seed import seed_demo

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """An empty PostgreSQL database, or None when the server is not running."""
    name = f"booking_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        print(f"PostgreSQL skipped: {str(error).splitlines()[0]}", file=sys.stderr)
        yield None
        return
    try:
        yield admin.url.set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49] * 1000:6.1f} ms   p95 {cuts[94] * 1000:6.1f} ms"


def bench(name: str, url: str) -> None:
    with tempfile.TemporaryDirectory() as instance:
        os.environ["INSTANCE_PATH"] = instance
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "PASSWORD_HASHING": "fast"})
        with app.app_context():
            with db.transaction() as session:
                seed_demo(session, "bench-password")
            session = db.session()
            person_id = session.scalar(select(Person.id).where(Person.email == "nurse@nhs.example"))
            building_id = session.scalar(select(Building.id).order_by(Building.id))
            slug = session.scalar(select(Neighbourhood.slug).where(Neighbourhood.slug == "central"))
            person = session.get(Person, person_id)
            assert person is not None
            identity = person.get_id()
            db.close_session()
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"] = identity
        pages = {
            "neighbourhoods (/)": "/",
            "a neighbourhood's buildings": f"/neighbourhoods/{slug}",
            "a building page": f"/buildings/{building_id}",
        }
        print(f"\n{name}, {REQUESTS} requests a page, one client:")
        for label, path in pages.items():
            client.get(path)  # warm the template cache
            samples = []
            for _ in range(REQUESTS):
                start = time.perf_counter()
                response = client.get(path)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, (path, response.status_code)
            print(f"  {label:<30} {percentiles(samples)}")


def main() -> None:
    print(
        f"{platform.node()}: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    with sqlite_database() as url:
        bench("SQLite", url)
    with postgres_database() as maybe_url:
        if maybe_url:
            bench("PostgreSQL", maybe_url)

    from bench import feeds  # it imports this module's helpers

    feeds.main()

    from bench import reports

    reports.main()


if __name__ == "__main__":
    main()
