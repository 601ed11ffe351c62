"""Shared Spaces: booking of shared drop-down workspaces in Stockport's neighbourhoods."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory: defaults, then the environment, then test overrides."""
    from booking import (
        cli,
        db,
        errors,
        extensions,
        models,  # noqa: F401  every model, so Base.metadata is complete
        security,
        templating,
    )
    from booking.accounts import views as accounts_views
    from booking.config import load_config

    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
        static_folder=str(ROOT / "static"),
        template_folder=None,
    )
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(ROOT / "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    db.init_app(app, app.config.get("DB_SESSION_FACTORY"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    accounts_views.init_login(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from booking.accounts.views import bp as accounts_bp
    from booking.admin.views import bp as admin_bp
    from booking.api import init_app as init_api
    from booking.bookings.views import bp as bookings_bp
    from booking.calendar.download_views import bp as calendar_downloads_bp
    from booking.calendar.feed_views import bp as calendar_feeds_bp
    from booking.catalogue.views import bp as catalogue_bp
    from booking.demand.views import bp as demand_bp
    from booking.estates.views import bp as estates_bp
    from booking.feedback.views import bp as feedback_bp
    from booking.health import bp as health_bp
    from booking.reports.views import bp as reports_bp

    app.register_blueprint(catalogue_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(estates_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(bookings_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(calendar_feeds_bp)
    app.register_blueprint(calendar_downloads_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(demand_bp)
    app.register_blueprint(reports_bp)
    init_api(app)

    if app.config["PROXY_COUNT"]:
        # Behind a TLS-terminating proxy: the client's address (for throttling) and https.
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    return app
