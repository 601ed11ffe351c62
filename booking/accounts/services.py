"""The account rules: creating people, signing in, verifying email, passwords, signing out.

Nothing here ever says whether an email address has an account: the views show the same page
either way, and the functions that take an address from a stranger (`register`,
`resend_verification`, `request_password_reset`) return nothing that differs.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.accounts import emails
from booking.accounts.models import Person
from booking.accounts.passwords import check_password, hash_password, needs_rehash
from booking.audit.services import record
from booking.catalogue.models import Organisation, OrganisationDomain
from booking.db import utcnow

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
SIGN_IN_REFUSED = "Enter a correct email address and password"
UNKNOWN_DOMAIN = (
    "Only staff of Shared Spaces partner organisations can register. Use your work email address"
)


class AccountError(ValueError):
    """A request that breaks an account rule; `field` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SignInRefused(AccountError):
    """Wrong email, wrong password or a deactivated account: always the same words."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_REFUSED, "password")


class EmailNotVerified(AccountError):
    """The right password, but the email address has not been confirmed yet."""

    def __init__(self, person: Person) -> None:
        super().__init__("Confirm your email address before you sign in")
        self.person = person


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_person(session: Session, email: str) -> Person | None:
    return session.scalar(select(Person).where(func.lower(Person.email) == normalise_email(email)))


def organisation_for_email(session: Session, email: str) -> Organisation | None:
    """The active organisation whose email domain is exactly the address's domain."""
    domain = normalise_email(email).rpartition("@")[2]
    return session.scalar(
        select(Organisation)
        .join(OrganisationDomain)
        .where(OrganisationDomain.domain == domain, Organisation.active.is_(True))
    )


def check_new_password(password: str, email: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(f"Password must be {PASSWORD_MIN_LENGTH} characters or more", "password")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AccountError(
            f"Password must be {PASSWORD_MAX_LENGTH} characters or fewer", "password"
        )
    if normalise_email(password) == normalise_email(email):
        raise AccountError("Password must not be your email address", "password")


def _clean_email(email: str) -> str:
    email = normalise_email(email)
    local, at, domain = email.rpartition("@")
    if not (local and at and "." in domain) or len(email) > EMAIL_MAX_LENGTH:
        raise AccountError(
            "Enter an email address in the correct format, like name@example.com", "email"
        )
    return email


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise AccountError("Enter your full name", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise AccountError(f"Name must be {NAME_MAX_LENGTH} characters or fewer", "name")
    return name


def create_person(
    session: Session,
    *,
    email: str,
    name: str,
    organisation: Organisation,
    password: str | None = None,
    verified: bool = False,
    actor: Person | None = None,
) -> Person:
    """A new person; without a password they sign in only after a password reset."""
    email = _clean_email(email)
    if find_person(session, email) is not None:
        raise AccountError(f"There is already an account for {email}", "email")
    if password is not None:
        check_new_password(password, email)
    person = Person(
        email=email,
        name=_clean_name(name),
        organisation=organisation,
        password_hash=hash_password(password) if password is not None else None,
        email_verified_at=utcnow() if verified else None,
    )
    session.add(person)
    session.flush()
    record(
        session,
        actor,
        "person.create",
        person,
        f"Account created for {person.name} ({email}) at {organisation.name}",
        {"email": email, "name": person.name, "organisation": organisation.name},
    )
    return person


def register(session: Session, *, email: str, name: str, password: str) -> None:
    """Self-registration from a partner organisation's email domain.

    A new address gets an account and a verification link; an address that already has an
    account gets an email telling its owner so, and nothing changes. The password is hashed in
    both cases so that the time taken does not tell the two apart either.
    """
    email, name = _clean_email(email), _clean_name(name)
    organisation = organisation_for_email(session, email)
    if organisation is None:
        raise AccountError(UNKNOWN_DOMAIN, "email")
    check_new_password(password, email)
    hashed = hash_password(password)
    existing = find_person(session, email)
    if existing is not None:
        if existing.active:
            emails.send_already_registered(session, existing)
        return
    person = create_person(session, email=email, name=name, organisation=organisation)
    person.password_hash = hashed
    emails.send_verification(session, person)


def authenticate(session: Session, email: str, password: str) -> Person:
    """The person these credentials belong to, signed in now; `SignInRefused` otherwise.

    A missing account still costs one password hash (see `check_password`), so the time taken
    does not tell a stranger whether the address has an account.
    """
    person = find_person(session, email)
    matches = check_password(person.password_hash if person else None, password)
    if person is None or person.password_hash is None or not matches or not person.active:
        raise SignInRefused()
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    if person.email_verified_at is None:
        emails.send_verification(session, person)
        raise EmailNotVerified(person)
    person.last_signed_in_at = utcnow()
    session.flush()
    return person


def resend_verification(session: Session, email: str) -> None:
    """A fresh verification link, if the address has an active account still unconfirmed."""
    person = find_person(session, email)
    if person is not None and person.active and person.email_verified_at is None:
        emails.send_verification(session, person)


def confirm_email(session: Session, person: Person) -> None:
    if person.email_verified_at is None:
        person.email_verified_at = utcnow()
        record(session, person, "person.verify_email", person, f"{person.email} confirmed")
        session.flush()


def request_password_reset(session: Session, email: str) -> None:
    """A reset link for an active account; silence for anything else."""
    person = find_person(session, email)
    if person is not None and person.active:
        emails.send_password_reset(session, person)


def _set_password(person: Person, password: str) -> None:
    """A new password ends every session and every outstanding reset link."""
    check_new_password(password, person.email)
    person.password_hash = hash_password(password)
    person.session_version += 1


def reset_password(session: Session, person: Person, password: str) -> None:
    """A password chosen through an emailed link, which also proves the address is theirs."""
    _set_password(person, password)
    if person.email_verified_at is None:
        person.email_verified_at = utcnow()
    record(session, person, "person.password_reset", person, f"{person.name} reset their password")
    session.flush()


def change_password(session: Session, person: Person, current: str, new: str) -> None:
    if not check_password(person.password_hash, current):
        raise AccountError("Your current password is not correct", "current_password")
    _set_password(person, new)
    record(
        session, person, "person.password_change", person, f"{person.name} changed their password"
    )
    session.flush()


def set_password(session: Session, person: Person, password: str, actor: Person | None) -> None:
    """An operator sets someone's password (`flask set-password`)."""
    _set_password(person, password)
    record(session, actor, "person.password_set", person, f"Password set for {person.name}")
    session.flush()


def change_name(session: Session, person: Person, name: str) -> None:
    old, new = person.name, _clean_name(name)
    if new != old:
        person.name = new
        record(
            session,
            person,
            "person.update",
            person,
            f"{old} changed their name to {new}",
            {"name": [old, new]},
        )
        session.flush()
