"""The alert digest: new alerts summarised as HTML and plain text, optionally e-mailed.

Two steps, as for every report: ``build`` gathers plain data (the numbers
are computed here), ``render`` fills the Jinja templates
``templates/digest.html.j2`` (autoescaped) and ``templates/digest.txt.j2``.
``send`` delivers both parts in one message by SMTP, with the
``COMPLIANCE_SMTP_*`` settings.
"""

from __future__ import annotations

import smtplib
import ssl
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from compliance import __version__, settings
from compliance.db import lists_repo
from compliance.db import monitoring_repo as repo
from compliance.db.session import session_scope
from compliance.errors import ComplianceError, ConfigError
from compliance.monitoring.service import alert_record

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


class DeliveryError(ComplianceError):
    """The digest could not be handed to the mail server."""

    exit_code = 5


@dataclass(frozen=True)
class Digest:
    context: dict[str, Any]
    html: str
    text: str
    subject: str


def last_digest_at() -> datetime | None:
    """When the last digest was produced (its audit record), or None."""
    with session_scope() as session:
        last = None
        for row in repo.audit_rows(session, actions=["monitor.digest"]):
            last = row.at
    return last


def build(since: datetime | None) -> dict[str, Any]:
    """The digest's data: the alerts raised after ``since`` (all when None), counts, list versions."""
    with session_scope() as session:
        alerts = repo.alerts(session, since=since)
        versions = lists_repo.list_versions(session)
        open_total = repo.alert_counts(session).get("open", 0)
    rows = [alert_record(a) | {"kind": a.kind} for a in alerts]
    by_kind = Counter(a.kind for a in alerts)
    return {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "since": since.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if since else None,
        "alerts": rows,
        "total": len(rows),
        "by_kind": {
            "list matches": by_kind.get("list_hit", 0),
            "enforcement actions": by_kind.get("enforcement", 0),
            "news mentions": by_kind.get("news", 0),
        },
        "still_open": sum(1 for r in rows if r["status"] == "open"),
        "open_total": open_total,
        "list_versions": sorted(versions.items()),
        "tool_version": __version__,
    }


def render(context: dict[str, Any], templates: Path | None = None) -> Digest:
    env = Environment(
        loader=FileSystemLoader(str(templates or TEMPLATES_DIR)),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    count = context["total"]
    subject = f"Compliance monitoring: {count:,} new alert{'s' if count != 1 else ''}"
    if context["since"]:
        subject += f" since {context['since']}"
    ctx = context | {"subject": subject}
    html = env.get_template("digest.html.j2").render(ctx)
    text = env.get_template("digest.txt.j2").render(ctx)
    return Digest(context, html, text, subject)


def write(digest: Digest, folder: Path) -> list[Path]:
    """digest-<UTC time>.html and .txt in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    paths = [folder / f"digest-{stamp}.html", folder / f"digest-{stamp}.txt"]
    paths[0].write_text(digest.html, encoding="utf-8")
    paths[1].write_text(digest.text, encoding="utf-8")
    return paths


def recipients() -> list[str]:
    return [a.strip() for a in (settings.SMTP_TO or "").split(",") if a.strip()]


def send(digest: Digest) -> list[str]:
    """E-mail the digest (plain text with an HTML alternative); the recipients."""
    to = recipients()
    if not settings.SMTP_HOST or not to or not settings.SMTP_FROM:
        raise ConfigError(
            "Sending the digest needs a mail server, a sender and recipients.",
            hint="Set COMPLIANCE_SMTP_HOST, COMPLIANCE_SMTP_FROM and COMPLIANCE_SMTP_TO "
            "(see README, Configuration).",
        )
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = settings.SMTP_FROM
    message["To"] = ", ".join(to)
    message["Message-ID"] = make_msgid(domain="compliance.local")
    message.set_content(digest.text)
    message.add_alternative(digest.html, subtype="html")
    try:
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=settings.HTTP_TIMEOUT) as smtp:
            if settings.SMTP_STARTTLS:
                smtp.starttls(context=ssl.create_default_context())
            if settings.SMTP_USER:
                smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(
            f"The digest could not be sent through {settings.SMTP_HOST}:{settings.SMTP_PORT}: {exc}",
            hint="Check the COMPLIANCE_SMTP_* settings; the digest files were still written.",
        ) from None
    return to


def make(
    since: datetime | None, folder: Path | None, send_mail: bool, *, actor: str | None = None
) -> tuple[Digest, list[Path], list[str]]:
    """Build, render, write and (when asked) send a digest; recorded in the audit log."""
    digest = render(build(since))
    paths = write(digest, folder) if folder is not None else []
    sent = send(digest) if send_mail else []
    with session_scope() as session:
        lists_repo.add_audit(
            session,
            actor or settings.ACTOR,
            "monitor.digest",
            "digest",
            None,
            {
                "since": digest.context["since"],
                "alerts": digest.context["total"],
                "files": [str(p) for p in paths],
                "sent_to": sent,
            },
            lists_repo.list_versions(session) or None,
        )
    return digest, paths, sent
