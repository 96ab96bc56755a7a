"""A synthetic dataset the size of a national roll-out, for benchmarks.

About 10,800 municipalities (as labs), 12 reporting periods, one impact
model per municipality, and one million survey respondents answering the 35
demo items. Written as plain comma CSV (UTF-8) with pyarrow, outside the
repository; every file says it is synthetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ogl_impact.demo.items import ITEMS, codebook_frame
from ogl_impact.demo.simulate import (
    ACTOR_SHARES,
    INDICATOR_SCALES,
    INDICATOR_TEMPLATES,
    NODE_TEMPLATES,
    THRESHOLDS,
)
from ogl_impact.schemas import TABLES

LANDS = (
    "BW",
    "BY",
    "BE",
    "BB",
    "HB",
    "HH",
    "HE",
    "MV",
    "NI",
    "NW",
    "RP",
    "SL",
    "SN",
    "ST",
    "SH",
    "TH",
)
_CHUNK = 100_000
NOTE = "SYNTHETISCHE DEMODATEN (synthetic demo data), Umfang national; keine echten Daten"


def write_national(
    out: Path, seed: int = 20200615, respondents: int = 1_000_000, municipalities: int = 10_800
) -> list[Path]:
    """Write the national-scale synthetic tables to ``out``.

    Parameters
    ----------
    out : Path
        Target folder (created; should lie outside the repository).
    seed : int
        Random seed.
    respondents : int
        Number of survey respondents (each answers 35 items).
    municipalities : int
        Number of municipalities, each with an impact model and indicators.

    Returns
    -------
    list of Path
        The files written.
    """
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    ids = np.char.add("m", np.char.zfill(np.arange(1, municipalities + 1).astype(str), 5))
    tables: dict[str, pd.DataFrame] = {}
    tables["sources"] = pd.DataFrame(
        {
            "source_id": ["synth"],
            "title": ["Synthetische Daten"],
            "reference": ["ogl-impact demo-data --scale national"],
        }
    )
    tables["perspectives"] = pd.DataFrame(
        {
            "perspective_id": [f"p{i}" for i in range(1, 8)],
            "number": range(1, 8),
            "name_de": [f"Perspektive {i}" for i in range(1, 8)],
            "name_en": [f"Perspective {i}" for i in range(1, 8)],
            "source": "synth",
        }
    )
    lands = rng.choice(LANDS, size=municipalities)
    tables["labs"] = pd.DataFrame(
        {
            "lab_id": ids,
            "name": np.char.add("Kommune ", ids),
            "grant_holder": np.char.add("Verwaltung ", ids),
            "land": np.char.add("DE-", lands),
            "grant_eur": rng.integers(50, 250, size=municipalities) * 1000.0,
            "note": "",
            "source": "synth",
        }
    )
    quarters = pd.period_range("2020Q1", periods=12, freq="Q")
    tables["periods"] = pd.DataFrame(
        {
            "period_id": [f"q{i:02d}" for i in range(1, 13)],
            "kind": "status_report",
            "label_de": [f"Quartal {q}" for q in quarters.astype(str)],
            "start": quarters.start_time.strftime("%Y-%m-%d"),
            "end": quarters.end_time.strftime("%Y-%m-%d"),
            "date_precision": "day",
            "deadline": None,
            "source": "synth",
        }
    )
    tables["waves"] = pd.DataFrame(
        {
            "wave": [1, 2],
            "label_de": ["Welle 1", "Welle 2"],
            "field_start": ["2020-04-01", "2022-04-01"],
            "field_end": ["2020-05-31", "2022-05-31"],
        }
    )
    tables["codebook"] = codebook_frame()
    tables["nodes"] = _nodes(ids)
    tables["indicators"], tables["indicator_values"] = _indicators(
        rng, ids, tables["periods"]["period_id"]
    )
    written = [_write(frame, out / f"{name}.csv") for name, frame in tables.items()]
    path = out / "responses.csv"
    for start in range(0, respondents, _CHUNK):  # in chunks: memory stays small
        count = min(_CHUNK, respondents - start)
        _write(_responses(rng, ids, start, count), path, append=start > 0)
    written.append(path)
    return written


def _nodes(ids: np.ndarray) -> pd.DataFrame:
    template = pd.DataFrame(
        [
            {
                "node_id": n[0],
                "label": n[3],
                "level": n[1],
                "stage": n[2],
                "perspectives": n[5],
                "contributes_to": n[6],
                "target_group": n[4],
            }
            for n in NODE_TEMPLATES
        ]
    )
    frame = template.loc[np.tile(np.arange(len(template)), len(ids))].reset_index(drop=True)
    frame.insert(0, "lab_id", np.repeat(ids, len(template)))
    frame["stage"] = frame["stage"].astype("Int64")
    return frame


def _indicators(
    rng: np.random.Generator, ids: np.ndarray, periods: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [(node, *spec) for node, specs in INDICATOR_TEMPLATES.items() for spec in specs]
    template = pd.DataFrame(
        rows,
        columns=[
            "node_id",
            "name",
            "measure",
            "ascending",
            "cumulative",
            "baseline_value",
            "target_value",
            "aggregatable",
            "disaggregation",
        ],
    )
    template["disaggregation"] = None  # no breakdowns at national scale
    template.insert(0, "indicator_id", [f"i{i:02d}" for i in range(1, len(template) + 1)])
    n = len(template)
    ind = template.loc[np.tile(np.arange(n), len(ids))].reset_index(drop=True)
    ind.insert(0, "lab_id", np.repeat(ids, n))
    ind["baseline_date"] = "2020-01-01"
    ind["target_date"] = "2022-12-31"
    ind["source_of_verification"] = "synthetisch"
    ind["assumptions"] = ""
    scales = ind["name"].map(INDICATOR_SCALES)
    ind["scale_min"] = [None if pd.isna(s) else s[0] for s in scales]
    ind["scale_max"] = [None if pd.isna(s) else s[1] for s in scales]
    ind = ind[list(TABLES["indicators"].model.to_schema().columns)]
    k = len(periods)
    base = np.repeat(ind["baseline_value"].to_numpy(float), k)
    target = np.repeat(ind["target_value"].to_numpy(float), k)
    share = np.tile(np.arange(1, k + 1) / k, len(ind)) * rng.uniform(0.3, 1.2, size=len(ind) * k)
    value = base + np.minimum(share, 1.0) * (target - base)
    measure = np.repeat(ind["measure"].to_numpy(), k)
    whole = np.isin(measure, ["count", "ordinal", "qualitative"])
    value = np.where(whole, np.round(value), np.round(value, 2))
    # a running total never falls: each period at least the one before (periods in order)
    running = np.maximum.accumulate(value.reshape(len(ind), k), axis=1).ravel()
    value = np.where(np.repeat(ind["cumulative"].to_numpy(bool), k), running, value)
    values = pd.DataFrame(
        {
            "lab_id": np.repeat(ind["lab_id"].to_numpy(), k),
            "indicator_id": np.repeat(ind["indicator_id"].to_numpy(), k),
            "period_id": np.tile(periods.to_numpy(), len(ind)),
            "disaggregation_value": "",
            "value": value,
            "status": np.where(rng.random(len(value)) < 0.85, "measured", "estimated"),
        }
    )
    return ind, values


def _responses(
    rng: np.random.Generator, ids: np.ndarray, start: int, respondents: int
) -> pd.DataFrame:
    n_items = len(ITEMS)
    person_unit = rng.integers(0, len(ids), size=respondents)
    person_wave = rng.integers(1, 3, size=respondents)
    groups = np.array(list(ACTOR_SHARES))
    person_group = rng.choice(
        len(groups), size=respondents, p=np.array(list(ACTOR_SHARES.values()))
    )
    person_ids = np.char.add(
        "R", np.char.zfill(np.arange(start, start + respondents).astype(str), 9)
    )
    effect = rng.normal(0, 0.6, size=respondents)
    latent = (
        3.0
        + np.repeat(effect + 0.2 * (person_wave - 1), n_items)
        + rng.normal(0, 0.7, respondents * n_items)
    )
    answer = 1 + (latent[:, None] > THRESHOLDS[None, :]).sum(axis=1)
    reverse = np.tile(np.array([item[2] for item in ITEMS]), respondents)
    value = np.where(reverse, 6 - answer, answer).astype(float)
    value[rng.random(value.size) < 0.03] = np.nan
    return pd.DataFrame(
        {
            "respondent_id": np.repeat(person_ids, n_items),
            "unit_id": np.repeat(ids[person_unit], n_items),
            "wave": np.repeat(person_wave, n_items),
            "actor_group": np.repeat(groups[person_group], n_items),
            "item_id": np.tile(np.array([item[0] for item in ITEMS]), respondents),
            "value": value,
        }
    )


def _write(frame: pd.DataFrame, path: Path, append: bool = False) -> Path:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # booleans as true/false and missing as empty: what the reader expects
    with path.open("ab" if append else "wb") as handle:
        if not append:
            handle.write(f"# {NOTE}\n".encode())
        options = pacsv.WriteOptions(quoting_style="needed", include_header=not append)
        pacsv.write_csv(table, handle, options)
    return path
