"""The staff shell: navigation a user may follow, and the language switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user

from survey.auth.policies import STAFF_ROLES, Access, policy_of, role_required
from survey.dashboards.blueprint import bp
from survey.i18n import supported_locale

#: The language the staff shell keeps for a signed-in user (read by survey.i18n).
LOCALE_SESSION_KEY = "locale"


@dataclass(frozen=True)
class NavItem:
    """One navigation link: its endpoint and label."""

    endpoint: str
    label: LazyString


#: In reading order. Endpoints that are not registered (yet) are left out.
NAVIGATION = (
    NavItem("dashboards.overview", _l("Overview")),
    NavItem("dashboards.teams", _l("Teams")),
    NavItem("dashboards.comments", _l("Comments")),
    NavItem("dashboards.themes", _l("Themes")),
    NavItem("dashboards.funnel", _l("Funnel")),
    NavItem("dashboards.integrity", _l("Integrity")),
    NavItem("staff.home", _l("Surveys")),
    NavItem("admin.import_touchpoints", _l("Import")),
    NavItem("mail.list_dev_messages", _l("Dev mail")),
)


def _may_open(endpoint: str) -> bool:
    view = current_app.view_functions.get(endpoint)
    policy = policy_of(view)
    if policy is None or policy.access is not Access.ROLES:
        return False
    if endpoint.startswith("mail.") and current_app.config.get("ENV_NAME") == "production":
        return False  # /dev/ pages answer 404 in production
    return bool(current_user.role in policy.roles)


#: The URL parameters of the dashboard filter, carried from one dashboard page to the next.
FILTER_PARAMETERS = (
    "from",
    "to",
    "survey",
    "touchpoint",
    "team",
    "segment",
    "stage",
    "lang",
    "compare",
)


def _url(endpoint: str) -> str:
    if not (endpoint.startswith("dashboards.") and request.blueprint == "dashboards"):
        return url_for(endpoint)
    # Moving between dashboards keeps the filter, so the next page answers the same question.
    kept: dict[str, Any] = {
        name: request.args.getlist(name) for name in FILTER_PARAMETERS if name in request.args
    }
    return url_for(endpoint, **kept)


def navigation() -> list[dict[str, Any]]:
    """Return the links the signed-in user may follow (keeping the filter), the current marked."""
    if not current_user.is_authenticated:
        return []
    return [
        {
            "url": _url(item.endpoint),
            "label": item.label,
            "current": request.endpoint == item.endpoint,
        }
        for item in NAVIGATION
        if _may_open(item.endpoint)
    ]


@bp.app_context_processor
def inject_shell() -> dict[str, Any]:
    """Give every template the staff navigation and the shell's languages."""
    return {
        "staff_navigation": navigation,
        "shell_locales": tuple(current_app.config["SURVEY_LOCALES"]),
    }


def _local_path(target: str | None) -> str:
    """Return target when it is a path on this site, else the overview (no open redirect)."""
    if not target:
        return url_for("dashboards.overview")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboards.overview")
    return target


@bp.post("/language")
@role_required(*STAFF_ROLES)
def set_language() -> ResponseReturnValue:
    """Keep the chosen language for this user's session, then go back."""
    locale = supported_locale(request.form.get("locale"))
    if locale is not None:
        session[LOCALE_SESSION_KEY] = locale
    return redirect(_local_path(request.form.get("next")), code=303)
