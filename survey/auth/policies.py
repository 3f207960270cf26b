"""Who may open a route: one declared access policy per view, checked in one place.

Every view carries exactly one policy, set by one of the decorators below:

* :func:`public`: anyone (the login page, the health check, static files, the API's
  OpenAPI document);
* :func:`respondent`: whoever holds the secret link token in the URL (survey pages,
  unsubscribe); the view itself refuses an unknown token;
* :func:`api_key_required`: API callers with a bearer key, which the API blueprint checks
  before the view runs;
* :func:`role_required`: signed-in staff with one of the given roles (admins always pass).

:func:`refuse_undeclared_routes` makes the app answer 403 on a route that declares none, so a
forgotten decorator fails closed; a test walks ``app.url_map`` and fails on such a route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, request
from flask_login import current_user

from survey.auth.models import Role
from survey.extensions import login_manager

View = TypeVar("View", bound=Callable[..., Any])

#: The attribute of a view function that holds its policy.
POLICY_ATTRIBUTE = "access_policy"

#: Every staff role: for pages any signed-in staff member may open.
STAFF_ROLES: tuple[Role, ...] = tuple(Role)
#: Who does what (issue 10): admins everything, managers dashboards, exports and cases,
#: analysts dashboards and cases without exports or personal data. Views name one of these.
ADMIN_ROLES: tuple[Role, ...] = (Role.ADMIN,)
DASHBOARD_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.MANAGER, Role.ANALYST)
CASE_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.MANAGER, Role.ANALYST)
EXPORT_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.MANAGER)
#: Who may read customers' contact details (emails, names): analysts never do.
PERSONAL_DATA_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.MANAGER)


def may_see_personal_data(user: Any) -> bool:
    """Return whether a signed-in user may read customers' emails and names."""
    return bool(user.is_authenticated and user.role in PERSONAL_DATA_ROLES)


class Access(StrEnum):
    PUBLIC = "public"
    RESPONDENT = "respondent"  # the link token in the URL is the credential
    API_KEY = "api_key"
    ROLES = "roles"


@dataclass(frozen=True)
class AccessPolicy:
    """A view's declared access: its kind and, for staff pages, the roles let in."""

    access: Access
    roles: frozenset[Role] = frozenset()

    def __str__(self) -> str:
        if self.access is Access.ROLES:
            return f"roles: {', '.join(sorted(self.roles))}"
        return self.access.value


def policy_of(view: Callable[..., Any] | None) -> AccessPolicy | None:
    """Return the policy a view declares, or None."""
    return getattr(view, POLICY_ATTRIBUTE, None)


def _declare(view: View, policy: AccessPolicy) -> View:
    existing = policy_of(view)
    if existing is not None and existing != policy:
        raise TypeError(f"{view.__name__} already declares {existing}; a view has one policy")
    setattr(view, POLICY_ATTRIBUTE, policy)
    return view


def public(view: View) -> View:
    """Declare a view open to anyone."""
    return _declare(view, AccessPolicy(Access.PUBLIC))


def respondent(view: View) -> View:
    """Declare a view opened by a respondent's secret link token (the view checks it)."""
    return _declare(view, AccessPolicy(Access.RESPONDENT))


def api_key_required(view: View) -> View:
    """Declare a view for API callers with a bearer key (the API blueprint checks it)."""
    return _declare(view, AccessPolicy(Access.API_KEY))


def role_required(*roles: Role | str) -> Callable[[View], View]:
    """Let in signed-in staff with one of these roles; admins always; others get a 403.

    Anonymous visitors go to the login page (Flask-Login's ``unauthorized``).
    """
    if not roles:
        raise TypeError("role_required needs at least one role (STAFF_ROLES for any staff)")
    allowed = frozenset({Role.ADMIN, *(Role(role) for role in roles)})

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        # wraps() copied any policy of the inner view; this one replaces it.
        guarded.__dict__.pop(POLICY_ATTRIBUTE, None)
        return _declare(cast(View, guarded), AccessPolicy(Access.ROLES, allowed))

    return decorate


def refuse_undeclared_routes(app: Flask) -> None:
    """Answer 403 on any route whose view declares no policy; static files are public."""
    if app.static_folder and "static" in app.view_functions:
        app.view_functions["static"] = public(_plain(app.view_functions["static"]))

    @app.before_request
    def _require_declared_policy() -> None:
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and policy_of(view) is None:
            app.logger.error("route %s declares no access policy: refused", request.endpoint)
            abort(403)


def _plain(view: Callable[..., Any]) -> Callable[..., Any]:
    """Return a function calling ``view``: a bound method cannot carry a policy attribute."""

    @wraps(view)
    def call(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    return call
