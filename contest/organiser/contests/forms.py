from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ...forms_common import UnitSelect
from ..forms import MultiCheckbox, count_field, when_field


class ContestForm(FlaskForm):
    programme = SelectField(_l("Programme"), coerce=int)
    code = StringField(_l("Code"), validators=[DataRequired(_l("Please enter a code.")), Length(max=12)],
                       description=_l("Used in entry numbers, e.g. GS26 gives GS26-A-0001."))
    slug = StringField(_l("Web address"), validators=[DataRequired(_l("Please enter an address.")), Length(max=80)],
                       description=_l("Lower-case letters, digits and hyphens, e.g. 2026-stories."))
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")), Length(max=200)])
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), render_kw={"data-richtext": "1"},
                                description=_l("Basic formatting is kept; scripts and styles are removed."))
    rules = TextAreaField(_l("Rules"), render_kw={"data-richtext": "1"})
    recommended_to = StringField(_l("Recommended on to"), validators=[Optional(), Length(max=200)],
                                 description=_l("The provincial selection winners are recommended to, if any."))
    lead_unit = UnitSelect(_l("Lead unit"))
    co_units = MultiCheckbox(_l("Co-organising units"), coerce=int)
    min_age = count_field(_l("Minimum age"))
    max_age = count_field(_l("Maximum age"))
    eligible_districts = MultiCheckbox(_l("Districts (none ticked: all)"))
    eligible_unit_kinds = MultiCheckbox(_l("Unit kinds (none ticked: anyone)"))
    real_name_required = BooleanField(_l("Real name required"), default=True)
    submission_start = when_field(_l("Submissions open"), required=True)
    submission_end = when_field(_l("Submission deadline"), required=True)
    screening_end = when_field(_l("Screening ends"))
    voting_start = when_field(_l("Public vote opens"))
    voting_end = when_field(_l("Public vote closes"))
    judging_start = when_field(_l("Judging starts"))
    judging_end = when_field(_l("Judging ends"))
    publicity_start = when_field(_l("Public notice starts"))
    publicity_end = when_field(_l("Public notice ends"))
    results_at = when_field(_l("Results published"))
    entries_per_entrant = IntegerField(_l("Entries per entrant per category"), default=1,
                                       validators=[InputRequired(_l("Please enter a number."))])
    voting_enabled = BooleanField(_l("Public vote"))
    votes_per_day = IntegerField(_l("Votes per voter per day"), default=5, validators=[Optional()])
    vote_weight = IntegerField(_l("Weight of the vote in the final score (%)"), default=0,
                               validators=[Optional()])
    show_vote_counts = BooleanField(_l("Show vote counts to the public"), default=True)
    published = BooleanField(_l("Visible on the public site"), default=False)
    showcase_only = BooleanField(
        _l("Showcase only (展播): collect, screen and show; no judging, no vote"),
        description=_l("Accepted works are shown on the public showcase once screening ends, "
                       "or from the results date if you set one."))


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Please enter a code.")), Length(max=4)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter a name.")), Length(max=100)])
    kind = SelectField(_l("Entry kind"))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    min_chars = count_field(_l("Minimum characters"))
    max_chars = count_field(_l("Maximum characters"))
    max_files = count_field(_l("Maximum files"))
    max_file_mb = count_field(_l("Maximum file size (MB)"))
    max_duration_s = count_field(_l("Maximum duration (seconds)"))
    recommend_quota = count_field(_l("Recommendation quota"))
    unit_quota = count_field(_l("Entries per submitting unit"),
                             description=_l("How many entries one unit may send in this category; "
                                            "empty: no limit."))
