from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms_common import UnitSelect


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    unit = UnitSelect(_l("Unit"), description=_l("Needed for unit administrators and organisers."))


class UnitForm(FlaskForm):
    name = StringField(_l("Unit name"), validators=[DataRequired(_l("Please enter a name.")), Length(max=120)])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    district = SelectField(_l("District"), validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(_l("Contact's mobile number"), validators=[Optional(), Length(max=20)],
                                render_kw={"inputmode": "tel"})


class AccountForm(FlaskForm):
    """An account made for someone else: no password, a one-time set-up link."""
    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Please enter the mobile number."))],
                        render_kw={"inputmode": "tel"})
    name = StringField(_l("Real name"), validators=[Optional(), Length(max=50)],
                       description=_l("Needed when the number has no account yet."))
    role = SelectField(_l("Role"), validators=[DataRequired()])
    unit = UnitSelect(_l("Unit"), description=_l("Needed for unit administrators and organisers."))


class AuditFilterForm(FlaskForm):
    """The audit log's filters: a GET form (reading changes nothing, so no token)."""
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=50)],
                        description=_l("Name, full or masked mobile number, or its last 4 digits."))
    date_from = DateField(_l("From date"), validators=[Optional()])
    date_to = DateField(_l("To date"), validators=[Optional()])
    contest = SelectField(_l("Contest"), coerce=int, validators=[Optional()])
    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])


class ImportForm(FlaskForm):
    sheet = FileField(_l("Filled-in template (.xlsx)"), render_kw={
        "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
