"""Simulate the synthetic demo tables, and write down the truth they were drawn from.

No survey answers, indicator values, impact models or milestones of the labs
are public, so the embedded data simulates them around the real programme
facts (the 13 labs and the reporting periods). Every file written here starts
with a comment saying it is synthetic, and the parameters and true effects
go to ``truth/`` beside the tables so that analyses can be checked to
recover them.

Survey model (per construct *c*; one latent scale per construct)::

    eta = mu_c + a_unit,c + g_group,c + trend_c * (wave - 1)
          + effect_lab,c * share(wave) + u_person,c + e_item
    answer = 1 + #{k : eta > tau_k},  tau = (1.5, 2.5, 3.5, 4.5)

``u_person`` ~ N(0, sd_person^2), ``e_item`` ~ N(0, sd_item^2); reverse-keyed
items store ``6 - answer``. ``share`` is 0 in the baseline wave (before the
labs started), 0.6 in wave 2 and 1 in wave 3. Comparison communes get no lab
effect. The expected item mean of a unit, wave and construct follows exactly
from the normal model::

    E[answer] = 1 + sum_g p_g sum_k Phi((m_ugc - tau_k) / sqrt(sd_person^2 + sd_item^2))
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact import vocab
from ogl_impact.demo.items import ITEMS, codebook_frame
from ogl_impact.io import read_table
from ogl_impact.parse import parse_table
from ogl_impact.schemas import TABLES

SEED = 20200615
SYNTHETIC_NOTE = (
    "SYNTHETISCHE DEMODATEN (synthetic demo data) - simuliert mit ogl-impact demo-data, "
    "Startwert {seed}; keine echten Daten der Labore"
)
THRESHOLDS = np.array([1.5, 2.5, 3.5, 4.5])
WAVE_SHARE = {1: 0.0, 2: 0.6, 3: 1.0}
ACTOR_SHARES = {
    "administration": 0.30,
    "politics": 0.08,
    "civil_society": 0.22,
    "citizens": 0.30,
    "science": 0.05,
    "business": 0.05,
}
REPORT_PERIODS = ("sb1", "sb2", "sb3", "zb", "sb4", "sb5", "sb6", "pb")
PROGRAMME_START = pd.Timestamp("2020-06-15")
PROGRAMME_TARGET = pd.Timestamp("2022-11-30")


@dataclass(frozen=True)
class SurveyParameters:
    """Parameters of the survey simulation (all on the latent 1-5 scale)."""

    mean: float = 3.0
    sd_unit: float = 0.25
    sd_group: float = 0.2
    sd_person: float = 0.6
    sd_item: float = 0.7
    trend: float = 0.05
    effect_mean: float = 0.35
    effect_sd: float = 0.15
    panel_share: float = 0.4
    missing_share: float = 0.03
    n_min: int = 40
    n_max: int = 120
    comparison_communes: int = 8
    labs_with_two_waves: int = 3


@dataclass
class DemoData:
    """The simulated tables and the truth behind them."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    truth: dict[str, pd.DataFrame] = field(default_factory=dict)


def read_real_tables(raw: Path) -> dict[str, pd.DataFrame]:
    """Read the real programme tables (labs, periods) the simulation builds on."""
    out = {}
    for name in ("labs", "periods"):
        table = read_table(raw / f"{name}.csv", name)
        out[name], problems = parse_table(table, TABLES[name].model)
        if problems:
            raise ValueError(
                f"{name}.csv ist ungültig; bitte zuerst „ogl-impact validate“ ausführen "
                f"/ {name}.csv is not valid; run 'ogl-impact validate' first"
            )
    return out


def simulate(labs: pd.DataFrame, periods: pd.DataFrame, seed: int = SEED) -> DemoData:
    """Simulate every synthetic table for the given labs and reporting periods.

    Parameters
    ----------
    labs : DataFrame
        The labs table (``lab_id`` and ``land`` are used).
    periods : DataFrame
        The reporting periods (the report periods get indicator values).
    seed : int
        Seed of the random generator; the same seed gives the same tables.

    Returns
    -------
    DemoData
        ``tables`` by name and ``truth`` frames (``survey_effects``,
        ``survey_parameters``, ``indicator_progress``, ``lab_stages``).
    """
    rng = np.random.default_rng(seed)
    data = DemoData()
    lab_ids = list(labs["lab_id"])
    report = periods[periods["period_id"].isin(REPORT_PERIODS)].sort_values("end")
    _impact_models(rng, lab_ids, report, data)
    _milestones(rng, lab_ids, report, data)
    _dac_ratings(rng, lab_ids, data)
    _survey(rng, labs, SurveyParameters(), data)
    _deliveries(rng, lab_ids, report, data, seed)
    return data


# --------------------------------------------------------------------------- impact models

NODE_TEMPLATES = (  # the synthetic impact model every lab draws from
    # node_id, level, stage, label, target group, perspectives, contributes_to, optional
    (
        "in1",
        "input",
        None,
        "Fördermittel und Personal des Labors",
        None,
        None,
        "ac1|ac2|ac3",
        False,
    ),
    ("in2", "input", None, "Kooperationsvereinbarungen der Laborpartner", None, None, "ac1", True),
    (
        "ac1",
        "activity",
        None,
        "Werkstätten und Beteiligungsformate durchführen",
        "citizens",
        "p3|p4",
        "op1",
        False,
    ),
    (
        "ac2",
        "activity",
        None,
        "Offene Daten und digitale Werkzeuge bereitstellen",
        "citizens",
        "p1|p6",
        "op1",
        False,
    ),
    (
        "ac3",
        "activity",
        None,
        "Beschäftigte zu Open Government qualifizieren",
        "administration",
        "p5|p7",
        "op1",
        True,
    ),
    ("op1", "output", 1, "Formate finden wie geplant statt", "partners", None, "op2", False),
    ("op2", "output", 2, "Zielgruppen werden erreicht", "citizens", "p3", "op3", False),
    ("op3", "output", 3, "Angebote werden angenommen", "citizens", "p3|p4", "oc1|oc3", False),
    (
        "oc1",
        "outcome",
        4,
        "Beschäftigte kennen Open-Government-Methoden",
        "administration",
        "p5|p7",
        "oc2",
        False,
    ),
    (
        "oc2",
        "outcome",
        5,
        "Verwaltung arbeitet mit der Zivilgesellschaft zusammen",
        "administration",
        "p4|p7",
        "oc5",
        False,
    ),
    (
        "oc3",
        "outcome",
        4,
        "Bürgerinnen und Bürger kennen die Beteiligungsangebote",
        "citizens",
        "p1|p3",
        "oc4",
        True,
    ),
    (
        "oc4",
        "outcome",
        5,
        "Bürgerinnen und Bürger bringen sich ein",
        "citizens",
        "p2|p3",
        "oc5",
        True,
    ),
    (
        "oc5",
        "outcome",
        6,
        "Anliegen der Bürgerschaft werden berücksichtigt",
        "citizens",
        "p2|p4",
        "im1",
        False,
    ),
    (
        "im1",
        "impact",
        7,
        "Vertrauen und Zusammenhalt in der Region wachsen",
        "region",
        "p7",
        None,
        False,
    ),
)

# per node: (name, measure, ascending, cumulative, baseline, target, aggregatable, disaggregation)
INDICATOR_TEMPLATES = {
    "in1": [
        ("Eingesetzte Fördermittel (Tsd. EUR)", "unit", True, True, 0, 180, True, None),
        ("Personal des Labors (Vollzeitäquivalente)", "unit", True, False, 0.5, 2.5, True, None),
    ],
    "in2": [("Unterzeichnete Kooperationsvereinbarungen", "count", True, True, 0, 6, True, None)],
    "ac1": [("Durchgeführte Werkstätten", "count", True, True, 0, 24, True, None)],
    "ac2": [("Veröffentlichte offene Datensätze", "count", True, True, 2, 60, True, None)],
    "ac3": [("Qualifizierte Beschäftigte", "count", True, True, 0, 80, True, None)],
    "op1": [
        (
            "Anteil planmäßig durchgeführter Formate (%)",
            "percentage",
            True,
            False,
            0,
            90,
            True,
            None,
        )
    ],
    "op2": [("Teilnehmende an Formaten", "count", True, True, 0, 400, True, "target_group")],
    "op3": [
        ("Anteil wiederkehrender Teilnehmender (%)", "percentage", True, False, 5, 40, True, None)
    ],
    "oc1": [
        (
            "Beschäftigte mit Open-Government-Kenntnissen (%)",
            "percentage",
            True,
            False,
            10,
            50,
            True,
            None,
        )
    ],
    "oc2": [
        (
            "Gemeinsame Projekte von Verwaltung und Zivilgesellschaft",
            "count",
            True,
            True,
            0,
            12,
            True,
            None,
        ),
        ("Bearbeitungszeit von Bürgeranfragen (Tage)", "unit", False, False, 21, 10, False, None),
    ],
    "oc3": [
        ("Bekanntheit der Beteiligungsangebote (%)", "percentage", True, False, 15, 45, True, None)
    ],
    "oc4": [
        ("Bürgerbeiträge auf der Beteiligungsplattform", "count", True, True, 0, 300, True, None)
    ],
    "oc5": [("Bewertung der Beteiligungskultur (1-5)", "ordinal", True, False, 2, 4, False, None)],
    "im1": [
        (
            "Vertrauen in die Kommunalverwaltung (Einschätzung des Labors, 1-5)",
            "unit",
            True,
            False,
            3.0,
            3.6,
            False,
            None,
        ),
        (
            "Verstetigung der Laborarbeit (Einschätzung 0-4)",
            "qualitative",
            True,
            False,
            0,
            4,
            False,
            None,
        ),
    ],
}


INDICATOR_SCALES = {
    "Bewertung der Beteiligungskultur (1-5)": (1, 5),
    "Verstetigung der Laborarbeit (Einschätzung 0-4)": (0, 4),
}
"""The scales of the ordinal and qualitative indicators of :data:`INDICATOR_TEMPLATES`, by name."""


def _impact_models(
    rng: np.random.Generator, lab_ids: list[str], report: pd.DataFrame, data: DemoData
) -> None:
    nodes, indicators, values, progress, stages = [], [], [], [], []
    horizon = (PROGRAMME_TARGET - PROGRAMME_START).days
    elapsed = {
        pid: min(1.0, max(0.0, (end - PROGRAMME_START).days / horizon))
        for pid, end in zip(report["period_id"], report["end"], strict=True)
    }
    for lab in lab_ids:
        keep = {n[0] for n in NODE_TEMPLATES if not n[7] or rng.random() < 0.6}
        # final stage the lab reaches, and when it reaches each stage
        final_stage = int(rng.integers(4, 8))
        for node_id, level, stage, label, group, persp, targets, _opt in NODE_TEMPLATES:
            if node_id not in keep:
                continue
            kept_targets = "|".join(t for t in (targets or "").split("|") if t in keep) or None
            nodes.append(
                {
                    "lab_id": lab,
                    "node_id": node_id,
                    "label": label,
                    "level": level,
                    "stage": stage,
                    "perspectives": persp,
                    "contributes_to": kept_targets,
                    "target_group": group,
                }
            )
        reached = {}
        for pid in report["period_id"]:
            # stages open up over time: about final_stage * elapsed, at least 1
            reached[pid] = max(1, min(final_stage, math.ceil(final_stage * elapsed[pid] + 0.3)))
            stages.append({"lab_id": lab, "period_id": pid, "true_stage": reached[pid]})
        n = 0
        for node_id, _level, stage, *_ in NODE_TEMPLATES:
            if node_id not in keep:
                continue
            for spec in INDICATOR_TEMPLATES[node_id]:
                n += 1
                ind_id = f"i{n:02d}"
                name, measure, asc, cum, base, target, agg, disagg = spec
                indicators.append(
                    {
                        "lab_id": lab,
                        "indicator_id": ind_id,
                        "node_id": node_id,
                        "name": name,
                        "measure": measure,
                        "ascending": asc,
                        "cumulative": cum,
                        "baseline_value": base,
                        "baseline_date": PROGRAMME_START.date().isoformat(),
                        "target_value": target,
                        "target_date": PROGRAMME_TARGET.date().isoformat(),
                        "source_of_verification": "Sachstandsbericht des Labors (synthetisch)",
                        "assumptions": "Partner bleiben über die Laufzeit beteiligt"
                        if stage and stage >= 4
                        else None,
                        "aggregatable": agg,
                        "disaggregation": disagg,
                        "scale_min": INDICATOR_SCALES.get(name, (None, None))[0],
                        "scale_max": INDICATOR_SCALES.get(name, (None, None))[1],
                    }
                )
                stale = rng.random() < 0.06
                never = rng.random() < 0.03
                path = 0.0
                # a running total never falls, nor does any part of it: the last
                # value reported and its parts bound the next ones from below
                last, last_parts = None, (0, 0)
                for pid in report["period_id"]:
                    node_stage = stage or 1
                    on_track = node_stage <= reached[pid]
                    share = elapsed[pid] * (
                        rng.uniform(1.1, 1.3) if on_track else rng.uniform(0.1, 0.45)
                    )
                    path = max(path, min(share, 1.15)) if cum else min(share, 1.15)
                    status = "achieved" if path >= 1 else ("on_track" if on_track else "behind")
                    progress.append(
                        {
                            "lab_id": lab,
                            "indicator_id": ind_id,
                            "period_id": pid,
                            "true_progress": round(path, 6),
                            "true_status": status,
                        }
                    )
                    if never or (stale and pid in REPORT_PERIODS[-2:]):
                        continue
                    value = _measure_value(rng, measure, base, target, path, status)
                    if cum and last is not None:
                        value = max(value, last)
                    last = value
                    status_v = "measured" if rng.random() < 0.85 else "estimated"
                    values.append(
                        {
                            "lab_id": lab,
                            "indicator_id": ind_id,
                            "period_id": pid,
                            "disaggregation_value": None,
                            "value": value,
                            "status": status_v,
                        }
                    )
                    if disagg:
                        admin = round(value * rng.uniform(0.2, 0.4))
                        if cum:
                            admin = min(max(admin, last_parts[0]), int(value) - last_parts[1])
                            last_parts = (admin, int(value) - admin)
                        for group, part in (
                            ("administration", admin),
                            ("citizens", int(value) - admin),
                        ):
                            values.append(
                                {
                                    "lab_id": lab,
                                    "indicator_id": ind_id,
                                    "period_id": pid,
                                    "disaggregation_value": group,
                                    "value": part,
                                    "status": status_v,
                                }
                            )
    data.tables["nodes"] = pd.DataFrame(nodes)
    data.tables["indicators"] = pd.DataFrame(indicators)
    data.tables["indicator_values"] = pd.DataFrame(values)
    data.truth["indicator_progress"] = pd.DataFrame(progress)
    data.truth["lab_stages"] = pd.DataFrame(stages)


def _measure_value(
    rng: np.random.Generator, measure: str, base: float, target: float, path: float, status: str
) -> float:
    """Turn true progress into a reported value whose status is unambiguous.

    Counts round towards their status (up when on track, down when behind);
    ordinal and qualitative indicators stay at the baseline while behind, move
    at least one step but stop short of the target while on track, and reach
    the target when achieved.
    """
    span = target - base
    value = base + path * span
    noisy = value + rng.normal(0, abs(span) * 0.01)
    if measure == "count":
        return float(max(0, math.floor(value) if status == "behind" else math.ceil(value)))
    if measure == "percentage":
        return round(min(100.0, max(0.0, noisy)), 1)
    if measure in ("ordinal", "qualitative"):
        if status == "behind":
            return float(base)
        if status == "achieved":
            return float(target)
        step = min(max(1, round(abs(path * span))), max(1, abs(span) - 1))
        return float(base + math.copysign(step, span))
    return round(noisy, 2)


# --------------------------------------------------------------------------- milestones

_MILESTONES = (
    ("m1", "Laborteam und Steuerungsgruppe konstituiert"),
    ("m2", "Beteiligungsplattform oder -format online"),
    ("m3", "Offene Daten im Portal veröffentlicht"),
    ("m4", "Leitlinien für Offenheit beschlossen"),
    ("m5", "Verstetigungskonzept vorgelegt"),
)


def _milestones(
    rng: np.random.Generator, lab_ids: list[str], report: pd.DataFrame, data: DemoData
) -> None:
    rows = []
    for lab in lab_ids:
        chosen = [m for m in _MILESTONES if m[0] in ("m1", "m5") or rng.random() < 0.7]
        for i, (mid, name) in enumerate(chosen):
            planned = PROGRAMME_START + pd.Timedelta(days=int(90 + i * 200 + rng.integers(0, 60)))
            delay = int(rng.integers(-30, 240))
            achieved = planned + pd.Timedelta(days=delay)
            done = achieved <= PROGRAMME_TARGET and rng.random() < 0.85
            started = planned - pd.Timedelta(days=150)
            for pid, end in zip(report["period_id"], report["end"], strict=True):
                if done and end >= achieved:
                    completion = "complete"
                elif end < started:
                    completion = "not_started"
                elif rng.random() < 0.05:
                    completion = "no_evidence"
                else:
                    completion = "limited" if end < planned else "substantial"
                rows.append(
                    {
                        "lab_id": lab,
                        "milestone_id": mid,
                        "name": name,
                        "period_id": pid,
                        "planned_date": planned.date().isoformat(),
                        "achieved_date": achieved.date().isoformat()
                        if completion == "complete"
                        else None,
                        "completion": completion,
                    }
                )
    data.tables["milestones"] = pd.DataFrame(rows)


def _dac_ratings(rng: np.random.Generator, lab_ids: list[str], data: DemoData) -> None:
    rows = []
    for lab in lab_ids:
        for criterion in vocab.DAC_CRITERIA:
            rating = int(rng.choice([1, 2, 3, 4], p=[0.1, 0.3, 0.4, 0.2]))
            rows.append(
                {
                    "lab_id": lab,
                    "criterion": criterion,
                    "rating": rating,
                    "evidence": "synthetische Bewertung (Demodaten), Grundlage: Sachstandsberichte",
                }
            )
    data.tables["dac_ratings"] = pd.DataFrame(rows)


# --------------------------------------------------------------------------- deliveries

LATE_SHARE = 0.12
"""Share of deliveries that arrive after the deadline."""
TEMPLATE_VERSION = "1"


def _sha(*parts: object) -> str:
    """Return a stand-in for a workbook's SHA-256: the hash of what identifies it."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _deliveries(
    rng: np.random.Generator,
    lab_ids: list[str],
    report: pd.DataFrame,
    data: DemoData,
    seed: int,
) -> None:
    """Simulate the submissions register and the revisions table.

    Every lab delivers every report period (the indicator values exist);
    most arrive within 14 days after the period end (the deadline, none
    being public), ``LATE_SHARE`` up to 40 days later. One workbook is
    refused (typed text in number cells) and accepted five days later; two
    labs revise one or two indicator values of a period after the deadline.
    The truth (``truth/deliveries.csv``) is the status each delivery has.
    """
    subs, truth = [], []
    pairs = [(pid, lab) for pid in report["period_id"] for lab in lab_ids]
    info = report.set_index("period_id")
    for pid, lab in pairs:
        end = pd.Timestamp(info.at[pid, "end"])
        given = info.at[pid, "deadline"] if "deadline" in info.columns else pd.NaT
        deadline = end + pd.Timedelta(days=14) if pd.isna(given) else pd.Timestamp(given)
        late = rng.random() < LATE_SHARE
        days = (deadline - end).days
        offset = int(rng.integers(days + 1, days + 41)) if late else int(rng.integers(0, days + 1))
        received = end + pd.Timedelta(days=offset)
        subs.append(
            {
                "lab_id": lab,
                "period_id": pid,
                "received": received,
                "workbook": f"{lab}_{pid}.xlsx",
                "sha256": _sha(seed, lab, pid, 1),
                "template_version": TEMPLATE_VERSION,
                "outcome": "accepted",
                "problems": 0,
            }
        )
        truth.append(
            {
                "lab_id": lab,
                "period_id": pid,
                "deadline": deadline,
                "true_status": "late" if late else "on_time",
            }
        )
    # one workbook refused first: the accepted one comes five days later
    refused_at = int(rng.integers(len(subs)))
    first = subs[refused_at]
    subs[refused_at] = {**first, "outcome": "refused", "problems": 3}
    again = first["received"] + pd.Timedelta(days=5)
    subs.insert(
        refused_at + 1,
        {**first, "received": again, "sha256": _sha(seed, first["lab_id"], first["period_id"], 2)},
    )
    row = truth[refused_at]
    row["true_status"] = "on_time" if again <= row["deadline"] else "late"
    # two labs revise values of a period after its deadline
    values = data.tables["indicator_values"]
    totals = values[values["disaggregation_value"].isna() & values["value"].notna()]
    revisions = []
    for k in rng.choice(len(pairs), size=2, replace=False):
        pid, lab = pairs[int(k)]
        if (lab, pid) == (first["lab_id"], first["period_id"]):
            continue
        deadline = truth[int(k)]["deadline"]
        revised = deadline + pd.Timedelta(days=int(rng.integers(20, 60)))
        sha = _sha(seed, lab, pid, 3)
        subs.append(
            {
                "lab_id": lab,
                "period_id": pid,
                "received": revised,
                "workbook": f"{lab}_{pid}_korrektur.xlsx",
                "sha256": sha,
                "template_version": TEMPLATE_VERSION,
                "outcome": "revision",
                "problems": 0,
            }
        )
        rows = totals[(totals["lab_id"] == lab) & (totals["period_id"] == pid)]
        picked = rows.iloc[sorted(rng.choice(len(rows), size=len(revisions) + 1, replace=False))]
        for ind, value in zip(picked["indicator_id"], picked["value"], strict=True):
            old = value - max(1.0, abs(value) * 0.1) if value else 1.0
            revisions.append(
                {
                    "lab_id": lab,
                    "period_id": pid,
                    "table": "indicator_values",
                    "row_key": ind,
                    "column": "value",
                    "old_value": _text(round(old, 2)),
                    "new_value": _text(value),
                    "revised": revised,
                    "sha256": sha,
                }
            )
    register = pd.DataFrame(subs)
    register["received"] = register["received"].dt.strftime("%Y-%m-%d")
    data.tables["submissions"] = register
    changed = pd.DataFrame(revisions)
    changed["revised"] = changed["revised"].dt.strftime("%Y-%m-%d")
    data.tables["revisions"] = changed
    true = pd.DataFrame(truth)
    true["deadline"] = true["deadline"].dt.strftime("%Y-%m-%d")
    data.truth["deliveries"] = true


def _text(value: float) -> str:
    """Write a number as the revisions table keeps it: plain text with a decimal point."""
    return f"{value:g}"


# --------------------------------------------------------------------------- survey

_WAVES = (
    (1, "Welle 1 (Ausgangslage, vor Laborbeginn)", "2020-04-01", "2020-05-31"),
    (2, "Welle 2 (Halbzeit)", "2021-05-01", "2021-06-30"),
    (3, "Welle 3 (Abschluss)", "2022-09-01", "2022-10-31"),
)


def _survey(
    rng: np.random.Generator, labs: pd.DataFrame, par: SurveyParameters, data: DemoData
) -> None:
    constructs = sorted({item[1] for item in ITEMS})
    lands = list(labs["land"])
    communes = [
        {
            "unit_id": f"vk{i:02d}",
            "name": f"Vergleichskommune {i:02d} (synthetisch)",
            "land": lands[int(rng.integers(len(lands)))],
        }
        for i in range(1, par.comparison_communes + 1)
    ]
    data.tables["comparison_communes"] = pd.DataFrame(communes)
    data.tables["waves"] = pd.DataFrame(
        _WAVES, columns=["wave", "label_de", "field_start", "field_end"]
    )
    data.tables["codebook"] = codebook_frame()

    lab_ids = list(labs["lab_id"])
    units = [(lab, True) for lab in lab_ids] + [(c["unit_id"], False) for c in communes]
    two_wave_labs = set(rng.choice(lab_ids, size=par.labs_with_two_waves, replace=False))
    unit_eff = {(u, c): rng.normal(0, par.sd_unit) for u, _ in units for c in constructs}
    group_eff = {(g, c): rng.normal(0, par.sd_group) for g in ACTOR_SHARES for c in constructs}
    lab_eff = {
        (u, c): rng.normal(par.effect_mean, par.effect_sd)
        for u, is_lab in units
        if is_lab
        for c in constructs
    }
    groups = list(ACTOR_SHARES)
    probs = np.array(list(ACTOR_SHARES.values()))

    rows: list[tuple] = []
    truth = []
    used_ids: set[str] = set()
    for unit, is_lab in units:
        waves = [1, 3] if unit in two_wave_labs else [1, 2, 3]
        previous: list[tuple[str, str, dict]] = []
        for wave in waves:
            n = int(rng.integers(par.n_min, par.n_max + 1))
            n_panel = min(len(previous), round(n * par.panel_share))
            panel_idx = rng.choice(len(previous), size=n_panel, replace=False) if n_panel else []
            people = [previous[i] for i in panel_idx]
            for _ in range(n - n_panel):
                rid = _new_id(rng, used_ids)
                group = groups[int(rng.choice(len(groups), p=probs))]
                person = {c: rng.normal(0, par.sd_person) for c in constructs}
                people.append((rid, group, person))
            share = WAVE_SHARE[wave]
            for rid, group, person in people:
                for item_id, construct, reverse, _de, _en in ITEMS:
                    if rng.random() < par.missing_share:
                        rows.append((rid, unit, wave, group, item_id, None))
                        continue
                    eta = (
                        par.mean
                        + unit_eff[unit, construct]
                        + group_eff[group, construct]
                        + par.trend * (wave - 1)
                        + person[construct]
                        + (lab_eff[unit, construct] * share if is_lab else 0.0)
                        + rng.normal(0, par.sd_item)
                    )
                    answer = 1 + int(np.sum(eta > THRESHOLDS))
                    rows.append(
                        (rid, unit, wave, group, item_id, float(6 - answer if reverse else answer))
                    )
            previous = people
            for construct in constructs:
                effect = lab_eff[unit, construct] * share if is_lab else 0.0
                base = par.mean + unit_eff[unit, construct] + par.trend * (wave - 1)
                truth.append(
                    {
                        "unit_id": unit,
                        "is_lab": is_lab,
                        "wave": wave,
                        "construct": construct,
                        "true_lab_effect": round(effect, 6),
                        "expected_item_mean": round(
                            _expected_mean(base + effect, construct, group_eff, par), 6
                        ),
                        "expected_item_mean_without_effect": round(
                            _expected_mean(base, construct, group_eff, par), 6
                        ),
                    }
                )
    data.tables["responses"] = pd.DataFrame(
        rows, columns=["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"]
    )
    data.truth["survey_effects"] = pd.DataFrame(truth)
    data.truth["survey_parameters"] = pd.DataFrame(
        [{"parameter": k, "value": v} for k, v in vars(par).items()]
        + [{"parameter": f"threshold_{i + 1}", "value": t} for i, t in enumerate(THRESHOLDS)]
        + [{"parameter": f"actor_share_{g}", "value": p} for g, p in ACTOR_SHARES.items()]
    )


def _expected_mean(m: float, construct: str, group_eff: dict, par: SurveyParameters) -> float:
    """Return the expected answer (non-reversed coding) of a unit, wave and construct."""
    sd = math.hypot(par.sd_person, par.sd_item)
    total = 0.0
    for group, p in ACTOR_SHARES.items():
        mu = m + group_eff[group, construct]
        total += p * sum(_phi((mu - t) / sd) for t in THRESHOLDS)
    return 1.0 + total


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _new_id(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        rid = "R" + "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), size=9))
        if rid not in used:
            used.add(rid)
            return rid


__all__ = ["SEED", "SYNTHETIC_NOTE", "DemoData", "read_real_tables", "simulate"]
