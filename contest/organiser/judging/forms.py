from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import DT_FORMAT, MultiCheckbox


class RoundForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter a name, e.g. 初评.")), Length(max=50)])
    categories = MultiCheckbox(_l("Categories"), coerce=int)
    judges_per_entry = IntegerField(_l("Judges per entry"), validators=[Optional()],
                                    description=_l("Leave empty: every judge of the panel scores every entry."))
    blind = BooleanField(_l("Blind (judges see no author, unit or file names)"), default=True)
    opens_at = DateTimeLocalField(_l("Opens"), format=DT_FORMAT, validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes"), format=DT_FORMAT, validators=[Optional()])
    aggregation = SelectField(_l("Combining the judges' totals"))
    advance_rule = SelectField(_l("Who advances"))
    advance_value = FloatField(_l("Number, percentage or minimum score"), validators=[Optional()])
    disagreement_at = FloatField(_l("Flag entries whose totals differ by at least"), default=25,
                                 validators=[Optional()])


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterion"), validators=[DataRequired(_l("Please enter a name.")), Length(max=100)])
    guidance = TextAreaField(_l("Guidance for judges"), validators=[Optional(), Length(max=2000)],
                             render_kw={"rows": 2})
    max_points = FloatField(_l("Maximum points"), validators=[DataRequired(_l("Please enter a positive number."))])
    weight = FloatField(_l("Weight"), validators=[Optional()],
                        description=_l("Leave empty: the weight is the maximum points."))


class PanelForm(FlaskForm):
    """Several judges onto several categories' panels in one submit."""
    judges = MultiCheckbox(_l("Judges"), coerce=int)
    categories = MultiCheckbox(_l("Categories"), coerce=int)
    max_load = IntegerField(_l("Maximum entries (optional)"), validators=[Optional()])



class FeedbackForm(FlaskForm):
    judges_feedback = BooleanField(_l("After the final result, show each entrant the judges' comments on their "
                                      "entry, without the judges' names"))
