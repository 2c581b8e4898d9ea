from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional


class StartForm(FlaskForm):
    category = HiddenField()
    on_behalf = HiddenField()
    authors = StringField(_l("Authors"), validators=[Optional(), Length(max=300)],
                          description=_l("Names of the members the unit submits for, separated by commas."))


class EntryForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=1000)],
                            render_kw={"rows": 3})
    body = TextAreaField(_l("Text"), render_kw={"data-richtext": "1"})
    h5_url = StringField(_l("Link to the H5 work"), validators=[Optional(), Length(max=500)],
                         render_kw={"inputmode": "url", "placeholder": "https://"})
    nominee_name = StringField(_l("Nominee"), validators=[Optional(), Length(max=100)])
    nominee_kind = RadioField(_l("Nominated"), choices=[SelectChoice("person", _l("A person")),
                                                        SelectChoice("organisation", _l("An organisation"))],
                              validators=[Optional()])
    nominee_phone = StringField(_l("Nominee's phone"), validators=[Optional(), Length(max=20)],
                                render_kw={"inputmode": "tel", "autocomplete": "off"},
                                description=_l("Shown in full only to the organisers who contact nominees."))
    nominee_post = StringField(_l("Work unit and post"), validators=[Optional(), Length(max=200)],
                               description=_l("For a person: where they work and their post, "
                                              "e.g. 珠海市第一中学 教师."))
    author_phone = StringField(_l("Author's phone"), validators=[Optional(), Length(max=20)],
                               render_kw={"inputmode": "tel", "autocomplete": "off"},
                               description=_l("How the organisers reach the author; not the unit's own number."))
    author_minor = BooleanField(_l("The author is under 14"))
    guardian_name = StringField(_l("Parent or guardian's name"), validators=[Optional(), Length(max=50)])
    guardian_phone = StringField(_l("Parent or guardian's phone"), validators=[Optional(), Length(max=20)],
                                 render_kw={"inputmode": "tel", "autocomplete": "off"})
    version = HiddenField()


class SubmitForm(FlaskForm):
    pledge = BooleanField(_l("I have read and accept the originality pledge."))
    licence = BooleanField(_l("I have read and grant the licence for public-interest promotion."))
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    guardian_name = StringField(_l("Name of the parent or guardian who consents"),
                                validators=[Optional(), Length(max=50)])
