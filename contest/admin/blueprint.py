"""The admin's blueprint, shared by its view modules (users, units, audit log)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
PAGE_SIZE = 50
