"""Login form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import Email, InputRequired, Length


class LoginForm(FlaskForm):
    """Email and password of a staff account."""

    email = EmailField(
        _l("Email"),
        validators=[InputRequired(), Email(check_deliverability=False), Length(max=320)],
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))
