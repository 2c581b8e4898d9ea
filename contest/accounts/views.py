from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..forms_common import district_choices, safe_next, saving, unit_choices, unit_or_none
from ..services import accounts, people
from .forms import LoginForm, PasswordForm, ProfileForm, RegisterForm, SetupForm

bp = Blueprint("accounts", __name__)


def _login_account_key() -> str:
    return "login-account:" + accounts.normalise_phone(request.form.get("phone", ""))


def _failed_login(response) -> bool:
    # Only failed attempts count: a successful login redirects.
    return response.status_code != 302


def _fill_choices(form) -> None:
    form.district.choices = district_choices()
    form.unit.choices = unit_choices((0, _("个人 (no unit)")))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = RegisterForm()
    _fill_choices(form)
    if form.validate_on_submit():
        with saving(form) as outcome:
            user = accounts.register_user(
                phone=form.phone.data, password=form.password.data,
                real_name=form.real_name.data, district=form.district.data,
                unit=unit_or_none(form.unit.data), email=form.email.data,
            )
        if outcome.ok:
            login_user(user)
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("public.index")))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"],
               deduct_when=_failed_login)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key, deduct_when=_failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.phone.data, form.password.data)
        if user is None:
            form.form_errors.append(_("Wrong mobile number or password."))
        else:
            with saving():
                accounts.log_in(user, request.remote_addr)
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("public.index")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ending the session version makes a copied cookie useless too.
    with saving():
        accounts.end_sessions(current_user)
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.index"))


def _password_account_key() -> str:
    return f"password-account:{current_user.id}"


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_password_account_key, deduct_when=_failed_login)
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        with saving(form) as outcome:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        if outcome.ok:
            login_user(user)  # this session carries on with the new version
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user) if request.method == "GET" else ProfileForm()
    _fill_choices(form)
    if request.method == "GET":
        form.unit.data = user.unit_id or 0
        form.district.data = user.district or ""
    if form.validate_on_submit():
        with saving(form) as outcome:
            accounts.update_profile(user, real_name=form.real_name.data, district=form.district.data,
                                    unit=unit_or_none(form.unit.data), email=form.email.data,
                                    birth_date=form.birth_date.data)
        if outcome.ok:
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user,
                           masked_phone=accounts.mask_phone(user.phone))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    """The one-time link an organiser or admin hands to a person whose account
    they made: the person sets their password here, once. A tampered, expired,
    used or replaced link is refused before any form is read."""
    user = people.user_for_setup(token)
    if user is None:
        response = make_response(render_template("accounts/setup_invalid.html", hours=people.SETUP_LINK_HOURS), 404)
    else:
        form = SetupForm()
        if form.validate_on_submit():
            with saving(form) as outcome:
                people.set_password_from_link(token, form.password.data)
            if outcome.ok:
                flash(_("Your password has been set. Please log in with your mobile number and it."), "success")
                return redirect(url_for("accounts.login"))
        response = make_response(render_template("accounts/setup.html", form=form, user=user,
                                                 masked_phone=accounts.mask_phone(user.phone)))
    # The token is in the address: no cache keeps the page (the site-wide
    # Referrer-Policy already keeps the path from other sites).
    response.headers["Cache-Control"] = "no-store"
    return response
