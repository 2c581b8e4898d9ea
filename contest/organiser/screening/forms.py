"""The screening decision: one of three choices and a reason, so that a refused
submit comes back with the choice still made."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from ...forms_common import ReasonForm

DECISION_CHOICES = [SelectChoice("accept", _l("Accept")), SelectChoice("return", _l("Return for changes")),
                    SelectChoice("reject", _l("Reject"))]


class DecisionForm(ReasonForm):
    decision = RadioField(_l("Decision"), choices=DECISION_CHOICES,
                          invalid_choice_message=_l("Please choose a decision."))
