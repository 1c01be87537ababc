"""Parsing of typed values: dates and fiscal years in Western and Japanese forms, amounts."""

import re
import unicodedata
from datetime import date

ERA_START = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}
_WESTERN = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_ERA_DATE = re.compile(r"^(令和|平成|昭和|[RHS])(元|\d{1,2})[年.](\d{1,2})[月.](\d{1,2})日?$")
_ERA_FY = re.compile(r"^(令和|平成|昭和|[RHS])(元|\d{1,2})年度?")
_FY_WESTERN = re.compile(r"^(\d{4})(?:年度)?$")
_FY_LABEL_PAREN = re.compile(r"\((\d{4})\)")


def nfkc(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def parse_date(text: str) -> date | None:
    """2007/11/28, 2007-11-28, 平成19年11月28日, H19.11.28; None when it is not a date."""
    value = nfkc(text).upper().replace(" ", "")
    try:
        if m := _WESTERN.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _ERA_DATE.match(value.replace("H", "H")):
            year = ERA_START[m[1]] + (1 if m[2] == "元" else int(m[2]))
            return date(year, int(m[3]), int(m[4]))
    except ValueError:
        return None
    return None


def parse_fiscal_year(text: str) -> int | None:
    """2007, 2007年度, 平成19年度, 平成19年度 (2007), H19."""
    value = nfkc(text).upper().replace(" ", "")
    if (m := _FY_LABEL_PAREN.search(value)) or (m := _FY_WESTERN.match(value)):
        year = int(m[1])
    elif m := _ERA_FY.match(value):
        year = ERA_START[m[1]] + (1 if m[2] == "元" else int(m[2]))
    else:
        return None
    return year if 1990 <= year <= 2100 else None


def parse_amount(text: str) -> int | None:
    """A whole number of thousand yen, with or without separators; raises ValueError."""
    value = nfkc(text).replace(",", "").replace("千円", "")
    if not value.isdigit() or len(value) > 12:
        raise ValueError(value)
    return int(value)
