"""The audit log: who changed what, and when, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select
from wtforms import SelectChoice

from booking import db
from booking.accounts.models import Person
from booking.admin.forms import AuditFilterForm
from booking.admin.pagination import Pagination, requested_page
from booking.audit.models import AuditEntry
from booking.audit.services import recent_entries
from booking.permissions import Permission, permission_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50
KIND_LABELS = {
    "organisation": "Organisations and their domains",
    "person": "People and their roles",
    "building": "Buildings",
    "space": "Spaces",
    "closure": "Closures",
    "outboxmessage": "Mail",
}


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str


def _words(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_words(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_words(v)}" for k, v in value.items())
    return str(value)


def describe_changes(entry: AuditEntry) -> list[Change]:
    """The entry's changes in words: `{"field": [old, new]}`, or the whole record on creation."""
    creation = entry.action.endswith(".create")
    changes: list[Change] = []
    for name, value in (entry.changes or {}).items():
        label = name.replace("_", " ").capitalize()
        if not creation and isinstance(value, list) and len(value) == 2:
            changes.append(Change(label, _words(value[0]), _words(value[1])))
        else:
            changes.append(Change(label, None, _words(value)))
    return changes


def _filter_choices(form: AuditFilterForm) -> None:
    """Kinds and actors that appear in the log, so every choice finds something."""
    session = db.session()
    kinds = session.scalars(select(AuditEntry.subject_type).distinct()).all()
    labelled = sorted(
        (SelectChoice(kind, KIND_LABELS.get(kind, kind.capitalize())) for kind in kinds),
        key=lambda choice: choice.label,
    )
    form.kind.choices = [SelectChoice("", "Everything"), *labelled]
    actors = session.execute(
        select(Person.id, Person.name, Person.email)
        .where(Person.id.in_(select(AuditEntry.actor_id)))
        .order_by(func.lower(Person.name))
    ).all()
    form.actor.choices = [
        SelectChoice("", "Anyone"),
        *(SelectChoice(str(person_id), f"{name} ({email})") for person_id, name, email in actors),
    ]


@bp.route("")
@permission_required(Permission.READ_AUDIT_LOG)
def index() -> str:
    form = AuditFilterForm(formdata=request.args)
    _filter_choices(form)
    page = requested_page()
    entries, total = recent_entries(
        db.session(),
        page=page,
        per_page=PER_PAGE,
        subject_type=form.kind.data or None,
        actor_id=form.actor.data,
    )
    pagination = Pagination(page, PER_PAGE, total)
    if page > pagination.pages:
        abort(404)
    return render_template(
        "admin/audit.html",
        filters=form,
        entries=[(entry, describe_changes(entry)) for entry in entries],
        pagination=pagination,
    )
