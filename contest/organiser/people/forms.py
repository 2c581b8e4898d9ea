from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional


class InviteJudgeForm(FlaskForm):
    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Please enter the mobile number."))],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    name = StringField(_l("Real name"), validators=[Optional(), Length(max=50)],
                       description=_l("Needed when the number has no account yet."))
