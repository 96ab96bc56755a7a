"""Impact models as immutable objects: the IOOI chain, the Wirkungstreppe and the logframe."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import pandas as pd

from ogl_impact import vocab
from ogl_impact.dataset import Dataset, lab_names


def _short_names(data: Dataset, labs: list[str]) -> dict[str, str]:
    """Short names of ``labs`` as the tables show them (:func:`~ogl_impact.dataset.lab_names`)."""
    wanted = set(labs)
    return {k: v for k, v in lab_names(data).items() if k in wanted}


@dataclass(frozen=True, eq=False)
class ImpactModel:
    """The impact model (Wirkungslogik) of one lab or of several labs.

    Build it with :meth:`from_dataset`. The object never changes: its frames
    are private copies, every accessor returns a new frame, and
    :meth:`for_labs` returns a new model.

    Attributes
    ----------
    labs : tuple of str
        The labs the model covers.
    lab_names : dict
        Short name of each lab by id (from the ``labs`` table), for the
        notebook view; empty when the dataset has no ``labs`` table.
    """

    labs: tuple[str, ...]
    _nodes: pd.DataFrame
    _indicators: pd.DataFrame
    _values: pd.DataFrame
    _periods: pd.DataFrame
    lab_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dataset(cls, data: Dataset, lab: str | list[str] | None = None) -> ImpactModel:
        """Build the model of one lab, a list of labs, or all labs (``lab=None``).

        Raises
        ------
        ValueError
            For a lab without an impact model, listing the labs that have one.
        """
        known = sorted(set(data["nodes"]["lab_id"]))
        wanted = known if lab is None else ([lab] if isinstance(lab, str) else list(lab))
        unknown = sorted(set(wanted) - set(known))
        if unknown:
            raise ValueError(f"no impact model for {unknown}; labs with one: {known}")

        def pick(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["lab_id"].isin(wanted)].reset_index(drop=True).copy()

        return cls(
            labs=tuple(wanted),
            _nodes=pick(data["nodes"]),
            _indicators=pick(data["indicators"]),
            _values=pick(data["indicator_values"]),
            _periods=data["periods"].copy(),
            lab_names=_short_names(data, wanted),
        )

    def for_labs(self, labs: list[str]) -> ImpactModel:
        """Return a new model restricted to ``labs`` (this one stays as it is)."""
        unknown = sorted(set(labs) - set(self.labs))
        if unknown:
            raise ValueError(f"labs {unknown} are not in this model; it has {list(self.labs)}")

        def pick(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["lab_id"].isin(labs)].reset_index(drop=True).copy()

        return ImpactModel(
            tuple(labs),
            pick(self._nodes),
            pick(self._indicators),
            pick(self._values),
            self._periods.copy(),
            {k: v for k, v in self.lab_names.items() if k in labs},
        )

    def chain(self) -> pd.DataFrame:
        """Return the IOOI chain: one row per node, from input to impact.

        Returns
        -------
        pandas.DataFrame
            ``lab_id``, ``level``, ``level_de``, ``stage``, ``node_id``, ``label``,
            ``contributes_to``, ``target_group``, ``n_indicators``.
        """
        counts = self._indicators.groupby(["lab_id", "node_id"]).size().rename("n_indicators")
        out = self._nodes.merge(counts.reset_index(), on=["lab_id", "node_id"], how="left")
        out["n_indicators"] = out["n_indicators"].fillna(0).astype(int)
        out["level_de"] = out["level"].map(lambda c: vocab.label(vocab.LEVELS, c))
        out["_rank"] = out["level"].map(dict(vocab.LEVEL_RANK))
        out = out.sort_values(
            ["lab_id", "_rank", "stage", "node_id"], na_position="first", kind="stable"
        )
        cols = [
            "lab_id",
            "level",
            "level_de",
            "stage",
            "node_id",
            "label",
            "contributes_to",
            "target_group",
            "n_indicators",
        ]
        return out[cols].reset_index(drop=True)

    def staircase(self) -> pd.DataFrame:
        """Return the Wirkungstreppe: the staged nodes by stage, nested by target group.

        Returns
        -------
        pandas.DataFrame
            ``lab_id``, ``stage``, ``stage_de``, ``level``, ``target_group``,
            ``node_id``, ``label``. Stages 1-3 are output, 4-6 outcome, 7 impact;
            a staircase for the administration and one for citizens can run side by side.
        """
        staged = self._nodes[self._nodes["stage"].notna()].copy()
        staged["stage_de"] = staged["stage"].map(lambda s: vocab.label(vocab.STAGES, int(s)))
        staged = staged.sort_values(["lab_id", "stage", "target_group", "node_id"], kind="stable")
        cols = ["lab_id", "stage", "stage_de", "level", "target_group", "node_id", "label"]
        return staged[cols].reset_index(drop=True)

    def logframe(self, period_id: str | None = None) -> pd.DataFrame:
        """Return the logframe: indicator, baseline, target, current value, verification.

        Parameters
        ----------
        period_id : str, optional
            The reporting period whose value counts as current; default: the
            latest value each indicator has (total, not disaggregated).

        Returns
        -------
        pandas.DataFrame
            ``lab_id``, ``level``, ``node_id``, ``indicator_id``, ``indicator``,
            ``baseline``, ``baseline_date``, ``target``, ``target_date``,
            ``current``, ``current_period``, ``source_of_verification``, ``assumptions``.
        """
        values = self._values[self._values["disaggregation_value"].isna()].dropna(subset=["value"])
        values = values.merge(self._periods[["period_id", "end"]], on="period_id")
        if period_id is not None:
            if period_id not in set(self._periods["period_id"]):
                raise ValueError(
                    f"unknown period {period_id!r}; known: {sorted(self._periods['period_id'])}"
                )
            values = values[values["period_id"] == period_id]
        latest = values.sort_values("end").groupby(["lab_id", "indicator_id"]).tail(1)
        out = self._indicators.merge(
            self._nodes[["lab_id", "node_id", "level"]], on=["lab_id", "node_id"]
        )
        out = out.merge(
            latest[["lab_id", "indicator_id", "value", "period_id"]],
            on=["lab_id", "indicator_id"],
            how="left",
        ).rename(
            columns={
                "name": "indicator",
                "baseline_value": "baseline",
                "target_value": "target",
                "value": "current",
                "period_id": "current_period",
            }
        )
        cols = [
            "lab_id",
            "level",
            "node_id",
            "indicator_id",
            "indicator",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "current",
            "current_period",
            "source_of_verification",
            "assumptions",
        ]
        return out[cols].reset_index(drop=True)

    def __repr__(self) -> str:
        """Text view: the labs, each level with its nodes and indicators (at most five names)."""
        n_nodes, n_ind = len(self._nodes), len(self._indicators)
        title = ", ".join(self.labs) if len(self.labs) <= 3 else f"{len(self.labs)} Labore"
        lines = [f"Wirkungsmodell {title}: {n_nodes} Knoten, {n_ind} Indikatoren"]
        chain = self.chain()
        named = self._indicators.merge(
            self._nodes[["lab_id", "node_id", "level"]], on=["lab_id", "node_id"]
        )
        width = max(len(label) for label, _ in vocab.LEVELS.values())
        for level, (label_de, _) in vocab.LEVELS.items():
            nodes = int((chain["level"] == level).sum())
            names = named.loc[named["level"] == level, "name"].astype(str).tolist()
            if not nodes and not names:
                continue
            lines.append(
                f"  {label_de:<{width}}  {nodes} {'Knoten':<6}  "
                f"{len(names)} {'Indikator' if len(names) == 1 else 'Indikatoren'}"
            )
            # the same indicator in several labs is listed once, with the number of labs
            counts = pd.Series(names, dtype=object).value_counts(sort=False)
            for name, count in list(counts.items())[:5]:
                labs = f" ({count} Labore)" if count > 1 else ""
                lines.append(f"  {'':<{width}}    - {name}{labs}")
            rest = len(counts) - 5
            if rest > 0:
                more = "weiterer" if rest == 1 else "weitere"
                lines.append(f"  {'':<{width}}    ... und {rest} {more}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """HTML view for notebooks: the chain with German headers, names instead of ids."""
        named = [self.lab_names.get(lab, lab) for lab in self.labs]
        title = ", ".join(named) if len(self.labs) <= 3 else f"{len(self.labs)} Labore"
        chain = self.chain()
        keys = zip(chain["lab_id"], chain["node_id"], strict=True)
        names = dict(zip(keys, chain["label"], strict=True))

        def targets(row: pd.Series) -> str:
            ids = str(row["contributes_to"]).split("|") if pd.notna(row["contributes_to"]) else []
            return "; ".join(names.get((row["lab_id"], i), i) for i in ids if i)

        view = pd.DataFrame(
            {
                "Ebene": chain["level_de"],
                "Stufe": chain["stage"].map(lambda s: "" if pd.isna(s) else str(int(s))),
                "Wirkung": chain["label"],
                "Zielgruppe": chain["target_group"].map(
                    lambda g: "" if pd.isna(g) else vocab.label(vocab.TARGET_GROUPS, g)
                ),
                "trägt bei zu": chain.apply(targets, axis=1) if len(chain) else [],
                "Indikatoren": chain["n_indicators"],
            }
        )
        if len(self.labs) > 1:
            view.insert(0, "Labor", chain["lab_id"].map(lambda i: self.lab_names.get(i, i)))
        table = view.to_html(index=False, na_rep="", escape=True)
        return f"<p><strong>Wirkungsmodell: {escape(title)}</strong></p>{table}"
