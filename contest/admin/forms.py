from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms_common import UnitSelect


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    unit = UnitSelect(_l("Unit"), description=_l("Needed for unit administrators and organisers."))


class UnitForm(FlaskForm):
    name = StringField(_l("Unit name"), validators=[DataRequired(_l("Please enter a name.")), Length(max=120)])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    district = SelectField(_l("District"), validators=[Optional()])
