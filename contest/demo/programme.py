"""A demo programme as data: the units, the programme and its activities,
read from a JSON file beside this module (programme_2020.json)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ProgrammeData:
    units: list[dict]       # name, kind, district
    programme: dict         # title, lead_unit, description_html
    contests: list[dict]    # one per activity, with its eligibility and categories


def load(name: str = "programme_2020") -> ProgrammeData:
    raw = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    return ProgrammeData(units=raw["units"], programme=raw["programme"], contests=raw["contests"])
