"""Loads the reference JSON files into the database (used by the data migrations)."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_rows(name: str) -> list[dict]:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def upsert(model, rows: list[dict]) -> None:
    for row in rows:
        code = row["code"]
        model.objects.update_or_create(code=code, defaults={k: v for k, v in row.items() if k != "code"})
