from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..forms_common import UnitSelect


class LoginForm(FlaskForm):
    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Please enter your mobile number."))],
                        render_kw={"inputmode": "tel", "autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password."))],
                             render_kw={"autocomplete": "current-password"})


class ProfileFields(FlaskForm):
    real_name = StringField(_l("Real name"), validators=[DataRequired(_l("Please enter your real name.")),
                                                         Length(max=50)])
    district = SelectField(_l("District"), validators=[Optional()])
    unit = UnitSelect(_l("Unit"), description=_l("Choose 个人 if you take part on your own."))
    email = EmailField(_l("E-mail (optional)"), validators=[Optional(), Length(max=200)])


class RegisterForm(ProfileFields):
    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Please enter your mobile number."))],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter a password."))],
                             description=_l("At least 8 characters, letters and digits."),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(_l("Please repeat the password.")),
        EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})


class ProfileForm(ProfileFields):
    birth_date = DateField(_l("Date of birth"), validators=[Optional()],
                           description=_l("Needed for contests with an age limit and for consent under 14."))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 description=_l("At least 8 characters, letters and digits."),
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(), EqualTo("new_password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})


class SetupForm(FlaskForm):
    """The invitee's first password, set through the one-time link."""
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter a password."))],
                             description=_l("At least 8 characters, letters and digits."),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(_l("Please repeat the password.")),
        EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})
