"""What each category of a block's public event is made of: its title, organisers, attendance
and visibility. Every choice is drawn from the block-year's random stream in the order the plan
has always drawn it, so that the data set does not move."""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from council.demo.days import at, business_day


@dataclass
class Place:
    block: str
    name: str  # the block's name (関東)
    label: str  # the fiscal year's label (平成19年度)
    city: str
    day: date


def describe(planner, rng: random.Random, item, category: str, place: Place) -> None:
    """Fill in the event `item` for its category (an unknown category leaves it as it is)."""
    detail = _DETAILS.get(category)
    if detail is not None:
        detail(planner, rng, item, place)


def _briefing(planner, rng, item, place: Place) -> None:
    measures = rng.sample(planner.dir.measures, rng.randint(1, 4))
    item.measures = measures
    if len(measures) == 1:
        item.title = f"{place.label} {measures[0]} 公募説明会({place.city})"
    else:
        item.title = f"{place.label} 地域イノベーション関連施策 合同公募説明会({place.city})"
    item.organizers = planner.organizers(rng, place.block, rng.randint(1, 3))
    item.participants = rng.randint(40, 220)
    item.description = "説明施策: " + "、".join(measures)


def _results(planner, rng, item, place: Place) -> None:
    name, label, city = place.name, place.label, place.city
    item.title = rng.choice(
        (
            f"{name}地域 産学官連携プロジェクト合同成果発表会 {place.day.year}",
            f"{label} 地域新生コンソーシアム研究開発事業 合同成果発表会({city})",
            f"{name}クラスター合同成果報告会",
        )
    )
    item.organizers = planner.organizers(rng, place.block, rng.randint(2, 4))
    item.participants = rng.randint(80, 350)


def _exhibition(planner, rng, item, place: Place) -> None:
    """A fair of one to three days, all day."""
    day, name, city = place.day, place.name, place.city
    last = business_day(day + timedelta(days=rng.randint(1, 2)))
    item.starts_at, item.ends_at, item.is_all_day = at(day, time(0)), at(last, time(0)), True
    item.title = rng.choice(
        (
            f"{name}産学官連携フェア{day.year} 合同展示",
            f"ビジネスマッチングフェア{day.year} in {city} 府省合同ブース",
            f"{name}ものづくり・環境技術展{day.year} 合同出展",
        )
    )
    item.organizers = planner.organizers(rng, place.block, rng.randint(2, 4))
    item.participants = rng.randint(800, 6000)


def _info(planner, rng, item, place: Place) -> None:
    name, city = place.name, place.city
    item.title = rng.choice(
        (
            f"{city}産業技術フォーラムでの関係府省施策の紹介",
            f"{name}地域 中小企業支援機関連絡会への施策情報提供",
            f"地域イノベーションシンポジウム({city})での施策説明",
        )
    )
    item.organizers = [planner.dir.secretariat[place.block]]
    item.participants = rng.randint(30, 150)


def _publication(planner, rng, item, place: Place) -> None:
    """A printed publication: a day, no venue, no attendance."""
    name, label = place.name, place.label
    item.starts_at, item.ends_at, item.is_all_day = at(place.day, time(0)), None, True
    item.title = rng.choice(
        (
            f"{name}地域 関係府省連携施策パンフレット({label}版)",
            f"{name}地域 産学官連携事例集({label})",
            f"地域クラスター施策活用ガイドブック({name}・{label})",
        )
    )
    item.organizers = planner.organizers(rng, place.block, rng.randint(1, 3))
    item.participants = None
    item.venue = ""


def _website(planner, rng, item, place: Place) -> None:
    """A web page put up: a day, no venue, no attendance."""
    name, label = place.name, place.label
    item.starts_at, item.ends_at, item.is_all_day = at(place.day, time(0)), None, True
    item.title = rng.choice(
        (
            f"{name}地域ブロック協議会ウェブサイト 施策情報ページ更新({label})",
            f"{name}地域 関係府省施策ポータルサイト開設",
        )
    )
    item.organizers = [planner.dir.secretariat[place.block]]
    item.participants = None
    item.venue = ""


def _training(planner, rng, item, place: Place) -> None:
    name, label, city = place.name, place.label, place.city
    item.title = rng.choice(
        (
            f"{label} 産学官連携コーディネータ研修会({city})",
            f"知的財産活用セミナー({city})",
            f"{name}地域 支援機関職員向け施策研修会",
        )
    )
    item.organizers = planner.organizers(rng, place.block, rng.randint(1, 2))
    item.participants = rng.randint(20, 70)
    item.visibility = "public" if rng.random() < 0.5 else "members"


def _liaison(planner, rng, item, place: Place) -> None:
    name, city = place.name, place.city
    item.title = rng.choice(
        (
            f"{name}地域 知的クラスター・産業クラスター合同連絡会議",
            f"{name}地域 産学官連携推進会議",
            f"{name}地域 農商工連携推進連絡会議",
            f"{city}地域 支援機関連携会議",
        )
    )
    item.organizers = planner.organizers(rng, place.block, rng.randint(1, 2))
    item.participants = rng.randint(10, 35)
    item.visibility = "members" if rng.random() < 0.75 else "secretariat"


_DETAILS = {
    "briefing": _briefing,
    "results": _results,
    "exhibition": _exhibition,
    "info": _info,
    "publication": _publication,
    "website": _website,
    "training": _training,
    "liaison": _liaison,
}
