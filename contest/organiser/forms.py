"""Form pieces shared by the console's domains: Shanghai wall-clock times and
ticked lists."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, SelectMultipleField
from wtforms.validators import DataRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..phases import SHANGHAI

DT_FORMAT = "%Y-%m-%dT%H:%M"


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def when_field(label, required=False):
    validators = [DataRequired(_l("Please choose a date and time."))] if required else [Optional()]
    return DateTimeLocalField(label, format=DT_FORMAT, validators=validators)


def count_field(label, **kwargs):
    positive = NumberRange(min=0, message=_l("Please enter a positive number."))
    return IntegerField(label, validators=[Optional(), positive], **kwargs)


def to_utc(value: datetime | None) -> datetime | None:
    # The form's times are Shanghai wall-clock times.
    return value.replace(tzinfo=SHANGHAI).astimezone(UTC) if value else None


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(SHANGHAI).replace(tzinfo=None) if value else None
