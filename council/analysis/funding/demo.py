"""Demo funding records for several fiscal years, shaped like the report's survey (図-5):
FY2006 large projects about ¥2,000M each in 近畿, 関東 and 九州; grants led by 関東
(~¥8,000M), 近畿 (~¥6,000M), 九州 and 中部 (~¥4,000M); money concentrated in life
science, ICT, environment and nanotech, then monozukuri and energy. Deterministic, and
written through the import service, so a re-run changes nothing."""

import itertools
import random
from dataclasses import dataclass

import sqlalchemy as sa

from council.analysis.funding.importer import FundingRow
from council.analysis.funding.services import import_rows
from council.directory.models import Block, Ministry
from council.extensions import db
from council.measures.models import Measure
from council.reference.models import ResearchField

YEARS = (2005, 2006, 2007, 2008)
YEAR_SCALE = {2005: 0.9, 2006: 1.0, 2007: 1.05, 2008: 1.08}
LARGE_FY2006 = {
    "hokkaido": 700, "tohoku": 500, "kanto": 2000, "chubu": 900, "hokuriku": 400,
    "kinki": 2000, "chugoku": 600, "shikoku": 300, "kyushu": 2000, "okinawa": 300,
}  # fmt: skip
GRANT_FY2006 = {
    "hokkaido": 1500, "tohoku": 1800, "kanto": 8000, "chubu": 4000, "hokuriku": 900,
    "kinki": 6000, "chugoku": 1500, "shikoku": 700, "kyushu": 4000, "okinawa": 500,
}  # fmt: skip
FIELD_WEIGHTS = {
    "life": 26, "ict": 20, "env": 17, "nano": 16, "monozukuri": 9,
    "energy": 7, "infra": 3, "frontier": 1, "other": 1,
}  # fmt: skip
LARGE_MEASURES = ("都市エリア産学官連携促進事業", "地域結集型共同研究事業")
# Grants come from these programmes, in proportion to their FY2007 budget lines.
GRANT_MEASURES = {
    "戦略的情報通信研究開発推進制度(SCOPE)": 2950,
    "地域イノベーション創出総合支援事業": 9411,
    "先端技術を活用した農林水産研究高度化事業": 5220,
    "地域新生コンソーシアム研究開発事業": 9918,
    "地域新規産業創造技術開発費補助事業": 3350,
    "建設技術研究開発助成制度": 400,
    "環境技術開発等推進費": 881,
}


def _tenths(value: float) -> int:
    return max(int(round(value * 10)), 1)


def _split(total: float, parts: int, rng: random.Random) -> list[float]:
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    s = sum(weights)
    return [total * w / s for w in weights]


@dataclass
class _Refs:
    blocks: dict[str, Block]
    fields: dict[str, ResearchField]
    measures: dict[str, Measure]
    ministries: dict[str, Ministry]


def demo_rows() -> list[FundingRow]:
    refs = _Refs(
        blocks={b.code: b for b in db.session.scalars(sa.select(Block))},
        fields={f.code: f for f in db.session.scalars(sa.select(ResearchField))},
        measures={m.name: m for m in db.session.scalars(sa.select(Measure))},
        ministries={m.name: m for m in db.session.scalars(sa.select(Ministry))},
    )
    if not refs.blocks or not refs.fields or "文部科学省" not in refs.ministries:
        return []
    rows: list[FundingRow] = []
    lines = itertools.count(1)
    for year in YEARS:
        rng = random.Random(f"funding-demo-{year}")
        for code, block in sorted(refs.blocks.items(), key=lambda kv: kv[1].sort_order):
            scale = YEAR_SCALE[year] * rng.uniform(0.95, 1.05)
            rows += _large_projects(refs, lines, rng, year, code, block, scale)
            rows += _grants(refs, lines, rng, year, code, block, scale)
    return rows


def _large_projects(refs: _Refs, lines, rng, year, code, block, scale) -> list[FundingRow]:
    """Two or three large projects a block and year, in the leading fields."""
    large = LARGE_FY2006.get(code, 300) * scale
    count = 3 if large >= 1500 else 2
    picks = rng.choices(list(FIELD_WEIGHTS)[:6], weights=list(FIELD_WEIGHTS.values())[:6], k=count)
    rows = []
    for n, (field_code, amount) in enumerate(zip(picks, _split(large, count, rng), strict=True), 1):
        name = LARGE_MEASURES[n % 2] if year < 2007 or n > 1 else "知的クラスター創成事業(第II期)"
        if year < 2007 and n == 1:
            name = "知的クラスター創成事業(第I期)"
        measure = refs.measures.get(name)
        field = refs.fields[field_code]
        rows.append(
            FundingRow(
                next(lines), year, "large",
                measure.ministry_id if measure else refs.ministries["文部科学省"].id,
                measure.id if measure else None, block.id, None, field.id,
                f"{block.name} 大型プロジェクト 第{n}号({field.name})",
                _tenths(amount), None,
            )
        )  # fmt: skip
    return rows


def _grants(refs: _Refs, lines, rng, year, code, block, scale) -> list[FundingRow]:
    """Grants spread over the fields by weight, one to three grants per field."""
    grant = GRANT_FY2006.get(code, 500) * scale
    total_weight = sum(FIELD_WEIGHTS.values())
    rows = []
    for field_code, weight in FIELD_WEIGHTS.items():
        share = grant * weight / total_weight * rng.uniform(0.8, 1.2)
        parts = 1 if share < 300 else 2 if share < 1200 else 3
        for n, amount in enumerate(_split(share, parts, rng), 1):
            name = rng.choices(list(GRANT_MEASURES), weights=list(GRANT_MEASURES.values()))[0]
            measure = refs.measures.get(name)
            ministry_id = measure.ministry_id if measure else refs.ministries["経済産業省"].id
            field = refs.fields[field_code]
            rows.append(
                FundingRow(
                    next(lines), year, "grant", ministry_id, measure.id if measure else None,
                    block.id, None, field.id,
                    f"{block.name} {field.name} 研究開発助成 第{n}号",
                    _tenths(amount), None,
                )
            )  # fmt: skip
    return rows


def load_funding_demo() -> int:
    """Write the demo records (idempotent); returns how many rows the plan holds."""
    rows = demo_rows()
    if rows:
        import_rows(rows)
    return len(rows)
