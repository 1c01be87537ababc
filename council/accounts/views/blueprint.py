"""The accounts blueprint, shared by the modules of council.accounts.views."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
