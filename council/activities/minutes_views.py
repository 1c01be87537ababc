"""Minutes (議事録) pages: being built."""

from flask import Blueprint

bp = Blueprint("minutes", __name__)
