from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from ...forms_common import UnitSelect


class ProgrammeForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[
        DataRequired(_l("Please enter a year.")),
        NumberRange(2000, 2100, _l("Please enter a year between 2000 and 2100."))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")), Length(max=200)])
    lead_unit = UnitSelect(_l("Lead unit"))
    description = TextAreaField(_l("Description"), render_kw={"data-richtext": "1"})
