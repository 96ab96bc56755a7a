"""Result frames as tables for readers: German headers, decimal comma, names instead of ids.

:func:`labelled` turns a tidy result frame of :mod:`ogl_impact.logic` or
:mod:`ogl_impact.stats` into a frame a reader understands: column headers
from :data:`HEADERS`, lab ids replaced by the lab's name (from the dataset),
indicator and node ids by their names, codes (level, status, period,
construct, DAC criterion, IRM completion) by their labels; respondent ids
are always dropped and no other internal id column is kept.
:func:`table` returns a pandas ``Styler`` of it with rounding by the kind of
each column: p-values with three decimals (``< 0,001`` below that), counts
as whole numbers with a thousands separator, shares as percent, euros
without cents, everything else with two decimals; ``ci_low``/``ci_high``
become one column ``95-%-KI`` reading ``[0,12; 0,45]``.

German is the default (decimal comma, thousands point); ``lang="en"``
switches headers, labels and number format to English. A method text, and a
note of a statistics result frame (one with an estimate, statistic, p-value,
standard error, method or item-rest correlation column), which
:mod:`ogl_impact.stats` writes in both languages ("konvergiert / converged",
see :mod:`ogl_impact.stats.words`), show the reader's half
(:func:`in_language`); a programme table's note stays whole; a method code
("welch", "mean correlation", "holm", "feldt") is named by :data:`METHOD_LABELS`, the form
of an intraclass correlation (``ICC2``) by :data:`ICC_LABELS`; a term of the package's own
(``lab_after``, ``std_alpha``, ``rmsea``, ``event_-1``, ``visual=~x1``) by :data:`TERM_LABELS`,
:data:`STATISTIC_LABELS` (only in a frame :mod:`ogl_impact.stats` marks
``attrs["terms"] = "statistics"``) and the patterns beside them, while a coefficient or a
test keeps the name the user gave it. The header of corrected p-values names the correction
the frame records (``attrs["adjust"]``: "p (Holm)", "p (Bonferroni)"). A column holding one
of those statistics (``alpha``, ``omega`` of a reliability table) is headed by the same words
("Cronbachs Alpha"), a group factor of a Schmid-Leiman solution (``F1*``) "Gruppenfaktor 1".
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import pandas as pd
from pandas.io.formats.style import Styler

from ogl_impact import privacy, vocab
from ogl_impact.dataset import Dataset, lab_names
from ogl_impact.schemas import TABLES
from ogl_impact.stats import words
from ogl_impact.stats.effects import ADJUST, ADJUST_METHODS
from ogl_impact.stats.masking import PANEL_MASKED
from ogl_impact.stats.outputs import STATISTIC_TERMS, statistic_terms

# column -> (German header, English header)
HEADERS: Mapping[str, tuple[str, str]] = {
    "lab_id": ("Labor", "Lab"),
    "unit_id": ("Einheit", "Unit"),
    "lab_label": ("Labor", "Lab"),
    "name": ("Name", "Name"),
    "land": ("Land", "State"),
    "grant_eur": ("Zuwendung (€)", "Grant (EUR)"),
    "note": ("Anmerkung", "Note"),
    "indicator_id": ("Indikator", "Indicator"),
    "indicator": ("Indikator", "Indicator"),
    "node_id": ("Knoten", "Node"),
    "label": ("Bezeichnung", "Label"),
    "level": ("Ebene", "Level"),
    "level_de": ("Ebene", "Level"),
    "stage": ("Stufe", "Stage"),
    "skipped": ("Übersprungene Stufen", "Stages passed over"),
    "stage_de": ("Stufe der Wirkungstreppe", "Stage"),
    "target_group": ("Zielgruppe", "Target group"),
    "contributes_to": ("trägt bei zu", "Contributes to"),
    "n_indicators": ("Indikatoren", "Indicators"),
    "period_id": ("Berichtszeitraum", "Reporting period"),
    "current_period": ("Stand", "As of"),
    "period_end": ("Ende des Zeitraums", "End of period"),
    "baseline": ("Ausgangswert", "Baseline"),
    "baseline_date": ("Datum Ausgangswert", "Baseline date"),
    "target": ("Ziel", "Target"),
    "target_date": ("Zieldatum", "Target date"),
    "current": ("Aktueller Wert", "Current value"),
    "actual": ("Ist", "Actual"),
    "source_of_verification": ("Nachweisquelle", "Source of verification"),
    "assumptions": ("Annahmen", "Assumptions"),
    "progress": ("Fortschritt", "Progress"),
    "expected": ("Erwartet", "Expected"),
    "status": ("Status", "Status"),
    "mean_progress": ("Mittlerer Fortschritt", "Mean progress"),
    "mean_progress_labor": ("Fortschritt Labor", "Progress lab"),
    "mean_progress_netzwerk": ("Fortschritt Netzwerk", "Progress network"),
    "flag": ("Befund", "Finding"),
    "explanation_de": ("Erläuterung", "Explanation"),
    "explanation_en": ("Erläuterung", "Explanation"),
    "construct": ("Konstrukt", "Construct"),
    "wave": ("Welle", "Wave"),
    "term": ("Term", "Term"),
    "estimate": ("Schätzwert", "Estimate"),
    "se": ("SE", "SE"),
    "statistic": ("Teststatistik", "Statistic"),
    "t": ("t", "t"),
    "z": ("z", "z"),
    "df": ("df", "df"),
    "p_val": ("p", "p"),
    "p_holm": ("p (Holm)", "p (Holm)"),
    "p_boot": ("p (Bootstrap)", "p (bootstrap)"),
    "ci": ("95-%-KI", "95% CI"),
    "ci_boot": ("95-%-KI (Bootstrap)", "95% CI (bootstrap)"),
    "p_cr1": ("p (CR1)", "p (CR1)"),
    "ci_cr1": ("95-%-KI (CR1)", "95% CI (CR1)"),
    "n": ("n", "n"),
    "method": ("Verfahren", "Method"),
    "method_cr1": ("Verfahren (CR1)", "Method (CR1)"),
    "method_boot": ("Verfahren (Bootstrap)", "Method (bootstrap)"),
    "cut": ("Schwelle", "Cut"),
    "note_de": ("Anmerkung", "Note"),
    "rating": ("Bewertung", "Rating"),
    "criterion": ("Kriterium", "Criterion"),
    "completion": ("Umsetzungsstand", "Completion"),
    "icc": ("ICC", "ICC"),
    "mde": ("Kleinster nachweisbarer Effekt", "Minimum detectable effect"),
    "power": ("Teststärke", "Power"),
    "mean": ("Mittelwert", "Mean"),
    "sd": ("SD", "SD"),
    "effect": ("Wahrer Effekt", "True effect"),
    "covered": ("Im Intervall", "Covered"),
    "evidence_level": ("Evidenzstufe", "Evidence level"),
    "level_msms": ("Evidenzstufe (MSMS)", "Evidence level (MSMS)"),
    "item_id": ("Item", "Item"),
    "wording_de": ("Wortlaut", "Wording"),
    "category": ("Kategorie", "Category"),
    "actor_group": ("Akteursgruppe", "Actor group"),
    "is_lab": ("Art der Einheit", "Kind of unit"),
    "alpha_ci": ("95-%-KI (Feldt)", "95% CI (Feldt)"),
    "alpha_ci_duhachek": ("95-%-KI (Duhachek)", "95% CI (Duhachek)"),
    "min_r_drop": ("Kleinste Trennschärfe", "Lowest item-rest r"),
    "weakest_item": ("Schwächstes Item", "Weakest item"),
    "n_items": ("Items", "Items"),
    "r_total": ("Item-Total-Korrelation", "Item-total r"),
    "r_drop": ("Trennschärfe", "Item-rest r"),
    "se_if_dropped": ("SE ohne Item", "SE if dropped"),
    # a CFA's parameters (stats.cfa, lavaan's parameterEstimates): the term column names
    # each in words; these say what its parts are
    "lhs": ("Faktor bzw. Variable (links)", "Factor or variable (left)"),
    "op": ("Beziehung (lavaan)", "Relation (lavaan)"),
    "rhs": ("Indikator bzw. Variable (rechts)", "Indicator or variable (right)"),
    "std_all": ("Standardisiert (std.all)", "Standardized (std.all)"),
    "free": ("Frei geschätzt", "Freely estimated"),
    # the Schmid-Leiman loadings of stats.omega_hierarchical (psych::omega's columns)
    "g": ("Generalfaktor g", "General factor g"),
    "h2": ("Kommunalität h²", "Communality h²"),
    "u2": ("Einzigartigkeit u²", "Uniqueness u²"),
    "p2": ("Anteil von g an h² (p²)", "Share of g in h² (p²)"),
    # the factor of each row of stats.omega (the user's factor names), of the factor
    # correlations of stats.omega_hierarchical; the item of a row of its loadings
    "factor": ("Faktor", "Factor"),
    "item": ("Item", "Item"),
    "missing": ("fehlend", "missing"),
    "low": ("Ablehnung", "Disagree"),
    "neutral": ("teils-teils", "Neutral"),
    "high": ("Zustimmung", "Agree"),
    "percent": ("Anteil", "Share"),
    "n_before": ("n vorher", "n before"),
    "n_after": ("n nachher", "n after"),
    "n_panel": ("n Panel", "n panel"),
    "mean_before": ("Mittelwert vorher", "Mean before"),
    "mean_after": ("Mittelwert nachher", "Mean after"),
    "change": ("Veränderung", "Change"),
    "hedges_g": ("Hedges' g", "Hedges' g"),
    "g_ci": ("95-%-KI g", "95% CI g"),
    "d_z": ("d_z", "d_z"),
    "dz_ci": ("95-%-KI d_z", "95% CI d_z"),
    "p_adj": ("p (korrigiert)", "p (adjusted)"),
    "var_between": ("Varianz zwischen den Gruppen", "Variance between groups"),
    "var_within": ("Varianz innerhalb der Gruppen", "Variance within groups"),
    "grand_mean": ("Gesamtmittel", "Grand mean"),
    "design_effect": ("Designeffekt", "Design effect"),
    "n_groups": ("Gruppen", "Groups"),
    "converged": ("konvergiert", "converged"),
    "singular": ("singulär", "singular"),
    "group": ("Gruppe", "Group"),
    "kind": ("Art", "Kind"),
    "multiplier": ("Multiplikator", "Multiplier"),
    "n_clusters": ("Cluster", "Clusters"),
    "cluster_size": ("Befragte je Cluster", "Cluster size"),
    "treated_share": ("Anteil Labore", "Treated share"),
    "event_time": ("Ereigniszeit", "Event time"),
    "reference": ("Referenz", "Reference"),
    "n_with_data": ("mit Daten", "with data"),
    "share_achieved": ("erreicht", "achieved"),
    "share_on_track": ("im Plan", "on track"),
    "share_behind": ("im Verzug", "behind"),
    "msms": ("MSMS-Stufe", "SMS level"),
    "msms_de": ("Design", "Design"),
    "msms_en": ("Design", "Design"),
    "basis": ("Grundlage", "Basis"),
    "input_name": ("Einsatz", "Input"),
    "input_value": ("Einsatz (EUR)", "Input (EUR)"),
    "output_value": ("Ergebnis (Wert)", "Output (value)"),
    "ratio": ("EUR je Ergebnis", "EUR per result"),
    "table": ("Tabelle", "Table"),
    "rows": ("Zeilen", "Rows"),
    "columns": ("Spalten", "Columns"),
    "synthetic": ("synthetisch", "synthetic"),
    "file": ("Datei", "File"),
    "title": ("Titel", "Title"),
    "description": ("Beschreibung", "Description"),
    "reject": ("H0 verworfen", "H0 rejected"),
    "alpha_adj": ("Niveau der letzten Stufe", "Level of the final stage"),
}
"""Header of each known result column in German and English; other columns keep their name."""

# never shown: respondent ids (pseudonyms, still personal data)
NEVER_SHOWN = frozenset({"respondent_id", "panel_id"})
# internal ids that are dropped when the frame carries a readable column for them
REPLACED_BY = {
    "indicator_id": "indicator",
    "node_id": "label",
    "level": "level_de",
    "item_id": "wording_de",
    "weakest_item": "",
}

CODE_VOCABULARIES = {
    "level": vocab.LEVELS,
    "target_group": vocab.TARGET_GROUPS,
    "criterion": vocab.DAC_CRITERIA,
    "completion": vocab.IRM_COMPLETION,
    "rating": vocab.DAC_RATINGS,
    "actor_group": vocab.ACTOR_GROUPS,
}
STATUS_LABELS = {
    "achieved": ("erreicht", "achieved"),
    "on_track": ("im Plan", "on track"),
    "behind": ("im Verzug", "behind"),
    "no_data": ("keine Daten", "no data"),
}
# constructs that are not perspectives of openness (those are named by the perspectives table)
CONSTRUCT_LABELS = {
    "trust": ("Vertrauen", "Trust"),
    "satisfaction": ("Zufriedenheit", "Satisfaction"),
}
BOOL_LABELS = {True: ("ja", "yes"), False: ("nein", "no")}
# the kind of a surveyed unit (column ``is_lab`` of stats.score_table): a lab or a commune
# outside the programme, named rather than "ja"/"nein"
UNIT_KIND_LABELS = {True: ("Labor", "lab"), False: ("Vergleichskommune", "comparison commune")}
# appended to the wording of a reverse-keyed item (codebook ``reverse_keyed``): answers as
# given, or reversed (the item columns ``attrs["reversed_items"]`` of stats.item_matrix names)
REVERSED_MARK = vocab.REVERSED_MARK
REVERSED_VALUES_MARK = vocab.REVERSED_VALUES_MARK
# kinds of model parameters (random effects, ordinal models)
KIND_LABELS = {
    "variance": ("Varianz", "variance"),
    "sd": ("SD", "SD"),
    "correlation": ("Korrelation", "correlation"),
    "coefficient": ("Koeffizient", "coefficient"),
    "threshold": ("Schwelle", "threshold"),
    # the parallel-lines check of stats.proportional_odds
    "binary slope": ("binäre Steigung", "binary slope"),
    "brant": ("Brant-Test", "Brant test"),
}
# the cells and differences of a 2x2 difference in differences (stats.did_2x2, lab_comparison)
TERM_LABELS = {
    "treated, before": ("Labore, vorher", "treated, before"),
    "treated, after": ("Labore, nachher", "treated, after"),
    "comparison, before": ("Vergleich, vorher", "comparison, before"),
    "comparison, after": ("Vergleich, nachher", "comparison, after"),
    "treated, change": ("Labore, Veränderung", "treated, change"),
    "comparison, change": ("Vergleich, Veränderung", "comparison, change"),
    "difference in differences": ("Differenz der Differenzen", "difference in differences"),
    # regression output (statsmodels "Intercept", lme4 "(Intercept)")
    "Intercept": ("Achsenabschnitt", "intercept"),
    "(Intercept)": ("Achsenabschnitt", "intercept"),
    # the treatment of stats.lab_comparison's two-way fixed-effects model
    "lab_after": ("Labor × nachher", "lab × after"),
    # the two ICCs of MixedResult.icc (Nakagawa et al. 2017)
    "adjusted": ("angepasster ICC", "adjusted ICC"),
    "conditional": ("bedingter ICC", "conditional ICC"),
    # the one test over all predictors of the parallel-lines check
    "omnibus": ("alle Prädiktoren", "all predictors (omnibus)"),
    # the test of stats.hausman (the frame names it in German)
    "feste vs. zufällige Effekte": ("feste vs. zufällige Effekte", "fixed vs. random effects"),
    # the estimate of stats.mean_difference (a table with se and statistic, as coefficients)
    "mean_difference": ("Mittelwertdifferenz", "mean difference"),
}
# the statistics and fit measures stats names by a code in ``term`` (the codes stay in the
# frames: lookups use them). A frame's terms are named by these only when every term of it is
# one of them and it is no table of coefficients (one with ``se`` and ``statistic``): a
# coefficient keeps the name of the user's variable even when it reads like a code ("alpha")
STATISTIC_LABELS = {
    # reliability (stats.cronbach_alpha, omega, omega_hierarchical, icc_null_model)
    "alpha": ("Cronbachs Alpha", "Cronbach's alpha"),
    "std_alpha": ("standardisiertes Alpha", "standardised alpha"),
    "average_r": ("mittlere Inter-Item-Korrelation", "mean inter-item correlation"),
    "median_r": ("Median der Inter-Item-Korrelationen", "median inter-item correlation"),
    "omega": ("McDonalds Omega", "McDonald's omega"),
    "omega2": ("Omega (modellimpliziert)", "omega (model-implied)"),
    "omega3": ("Omega (beobachtet)", "omega (observed)"),
    "ave": ("durchschnittlich erfasste Varianz (AVE)", "average variance extracted (AVE)"),
    "omega_h": ("Omega hierarchisch", "omega hierarchical"),
    "omega_h_asymptotic": ("Omega hierarchisch, asymptotisch", "omega hierarchical, asymptotic"),
    "omega_t": ("Omega gesamt", "omega total"),
    "g6": ("Guttmans Lambda 6", "Guttman's lambda 6"),
    "ICC": ("Intraklassenkorrelation (ICC)", "intraclass correlation (ICC)"),
    # two groups (stats.mean_difference, effect_sizes, rank_test)
    "cohens_d": ("Cohens d", "Cohen's d"),
    "hedges_g": ("Hedges' g", "Hedges' g"),
    "glass_delta": ("Glass' Δ", "Glass's Δ"),
    "glass_delta_adjusted": ("Glass' Δ, korrigiert", "Glass's Δ, bias-corrected"),
    "d_z": ("Cohens d_z (gepaart)", "Cohen's d_z (paired)"),
    "location_shift": ("Lageunterschied", "location shift"),
    # fit measures of a confirmatory factor analysis (stats.cfa)
    "chisq": ("χ²", "χ²"),
    "baseline_chisq": ("χ² des Nullmodells", "χ² of the baseline model"),
    "cfi": ("CFI", "CFI"),
    "tli": ("TLI", "TLI"),
    "rmsea": ("RMSEA", "RMSEA"),
    "srmr": ("SRMR", "SRMR"),
    "loglik_h1": ("Log-Likelihood (saturiertes Modell)", "log-likelihood (saturated model)"),
    # fit of regression, mixed, ordinal and panel models
    "loglik": ("Log-Likelihood", "log-likelihood"),
    "log_lik": ("Log-Likelihood", "log-likelihood"),
    "aic": ("AIC", "AIC"),
    "bic": ("BIC", "BIC"),
    "deviance": ("Devianz (−2 log L)", "deviance (−2 log L)"),
    "max_grad": ("größter Gradient", "largest gradient"),
    "cond_h": ("Konditionszahl der Hesse-Matrix", "condition number of the Hessian"),
    "n_iter": ("Iterationen", "iterations"),
    "n_categories": ("Antwortkategorien", "answer categories"),
    "n_groups": ("Gruppen", "groups"),
    "n_units": ("Einheiten", "units"),
    "n_clusters": ("Cluster", "clusters"),
    "r_squared": ("R²", "R²"),
    "adj_r_squared": ("korrigiertes R²", "adjusted R²"),
    "sigma": ("Standardfehler der Residuen (σ)", "residual standard error (σ)"),
    "df_resid": ("Freiheitsgrade der Residuen", "residual degrees of freedom"),
    "df_within": ("Freiheitsgrade innerhalb der Einheiten", "degrees of freedom within units"),
    "sigma2_idiosyncratic": ("Restvarianz (σ²_e)", "idiosyncratic variance (σ²_e)"),
    "sigma2_individual": ("Varianz zwischen den Einheiten (σ²_u)", "variance between units (σ²_u)"),
    "rho": ("Anteil der Einheitenvarianz (ρ)", "share of unit variance (ρ)"),
    "theta": ("θ (Gewicht der Quasi-Zentrierung)", "θ (quasi-demeaning weight)"),
    "theta_min": ("kleinstes θ (Quasi-Zentrierung)", "smallest θ (quasi-demeaning)"),
    "theta_mean": ("mittleres θ (Quasi-Zentrierung)", "mean θ (quasi-demeaning)"),
    "theta_max": ("größtes θ (Quasi-Zentrierung)", "largest θ (quasi-demeaning)"),
}


def _capital(text: str) -> str:
    """Give the text a capital first letter, as a header starts ("Cronbachs Alpha")."""
    return text[:1].upper() + text[1:]


# the columns of a reliability table (stats.reliability_table, item_statistics) that hold a
# statistic named in STATISTIC_LABELS: headed by the same words as the term of that statistic
# ("Cronbachs Alpha" above the alpha of a construct as beside the term "alpha"); without the
# item, the same words and "ohne Item" / "if item dropped"
STATISTIC_COLUMNS = ("alpha", "std_alpha", "average_r", "omega")
HEADERS = {
    **HEADERS,
    **{
        column: (_capital(STATISTIC_LABELS[column][0]), _capital(STATISTIC_LABELS[column][1]))
        for column in STATISTIC_COLUMNS
    },
    **{
        f"{column}_if_dropped": (
            f"{_capital(STATISTIC_LABELS[column][0])} ohne Item",
            f"{_capital(STATISTIC_LABELS[column][1])} if item dropped",
        )
        for column in ("alpha", "std_alpha", "average_r")
    },
}
# the group factors of a Schmid-Leiman solution (stats.omega_hierarchical's loadings), which
# psych::omega prints as "F1*", "F2*" beside the general factor g: headed in words, as g is
GROUP_FACTOR = re.compile(r"^F(\d+)\*$")
GROUP_FACTOR_LABEL = ("Gruppenfaktor {}", "Group factor {}")
# terms of stats made of a code and a number or of the user's names: the event time of
# stats.event_study ("event_-1"), the parameters of stats.cfa in lavaan syntax ("visual=~x1")
EVENT_TERM = re.compile(r"^event_(-?\d+)$")
EVENT_LABEL = ("Ereigniszeit {}", "event time {}")
LAVAAN_TERM = re.compile(r"^\s*([^=~\s]+)\s*(=~|~~|~)\s*([^=~\s]+)\s*$")
LAVAAN_LABELS = {
    "=~": ("Ladung {0} → {1}", "loading {0} → {1}"),
    "~": ("Regression {0} ← {1}", "regression {0} ← {1}"),
    "~~": ("Kovarianz {0}, {1}", "covariance {0}, {1}"),
    "variance": ("Varianz {0}", "variance {0}"),
}
# the method codes of stats (the test or the interval, one word: "welch", "feldt") in words;
# a method text (several words) is written in both languages by stats itself
METHOD_LABELS = {
    "paired": ("gepaarter t-Test", "paired t test"),
    "student": ("t-Test (Student)", "Student's t test"),
    "welch": ("Welch-t-Test", "Welch t test"),
    "mann_whitney": ("Mann-Whitney-U-Test", "Mann-Whitney U test"),
    "wilcoxon_signed_rank": ("Wilcoxon-Vorzeichen-Rang-Test", "Wilcoxon signed-rank test"),
    "mean correlation": ("mittlere Korrelation", "mean correlation"),
    "median correlation": ("Median der Korrelationen", "median correlation"),
    "ML": ("Maximum Likelihood (ML)", "maximum likelihood (ML)"),
    # the intervals of Cronbach's alpha (stats.cronbach_alpha)
    "feldt": ("Feldt-Intervall (F-Verteilung)", "Feldt interval (F distribution)"),
    "duhachek": ("Duhachek-Intervall (asymptotisch)", "Duhachek interval (asymptotic)"),
    # the corrections for multiple testing (stats.adjust_pvalues, statsmodels' names)
    **ADJUST_METHODS,
}
# the six forms of the intraclass correlation (stats.icc, column ``term``; Shrout & Fleiss 1979,
# named as psych::ICC and pingouin do): the frame's ``description`` is shown in these words
ICC_LABELS = {
    "ICC1": (
        "Einzelbewertung, absolut (einfaktoriell, zufällige Ziele)",
        "single rater, absolute (one-way random)",
    ),
    "ICC2": ("Einzelbewertung, zufällige Rater", "single rater, random raters"),
    "ICC3": ("Einzelbewertung, feste Rater", "single rater, fixed raters"),
    "ICC1k": ("Mittel aus k Bewertungen, absolut", "mean of k raters, absolute"),
    "ICC2k": ("Mittel aus k Bewertungen, zufällige Rater", "mean of k raters, random raters"),
    "ICC3k": ("Mittel aus k Bewertungen, feste Rater", "mean of k raters, fixed raters"),
}
# the header of ``alpha`` in a table of power or of the minimum detectable effect, and of
# the decisions of stats.adjust_pvalues
SIGNIFICANCE_LEVEL = ("Signifikanzniveau", "Significance level")
# the header of ``p_adj`` when the frame records no single correction
ADJUSTED_P = ("p (korrigiert)", "p (adjusted)")
# the header of ``p_adj`` by the correction a frame records in ``attrs["adjust"]``
# (stats.change_by_unit), or by a method column naming one (stats.adjust_pvalues)
ADJUSTED_P_BY = {
    "bonferroni": ("p (Bonferroni)", "p (Bonferroni)"),
    "sidak": ("p (Šidák)", "p (Šidák)"),
    "holm-sidak": ("p (Holm-Šidák)", "p (Holm-Šidák)"),
    "holm": ("p (Holm)", "p (Holm)"),
    "simes-hochberg": ("p (Hochberg)", "p (Hochberg)"),
    "hommel": ("p (Hommel)", "p (Hommel)"),
    "fdr_bh": ("p (Benjamini-Hochberg)", "p (Benjamini-Hochberg)"),
    "fdr_by": ("p (Benjamini-Yekutieli)", "p (Benjamini-Yekutieli)"),
    "fdr_tsbh": ("p (Benjamini-Hochberg, zweistufig)", "p (Benjamini-Hochberg, two-stage)"),
    "fdr_tsbky": (
        "p (Benjamini-Krieger-Yekutieli, zweistufig)",
        "p (Benjamini-Krieger-Yekutieli, two-stage)",
    ),
}
# column names a method text may mention (clusters, fixed effects): named by their header
METHOD_COLUMNS = re.compile(r"\b(unit_id|lab_id|wave|period_id|is_lab)\b")
# the residual row of a mixed model's random part (column ``group``)
GROUP_LABELS = {"Residual": ("Residuum", "Residual")}
# a threshold of an ordinal model lies between two answer categories: "1|2"
THRESHOLD = re.compile(r"^\s*([^|]+?)\s*\|\s*([^|]+?)\s*$")

P_COLUMNS = ("p_val", "p_holm", "p_boot", "p_cr1", "p_adj", "p", "p_value", "pval")
COUNT_PREFIXES = ("n_", "count")
COUNT_COLUMNS = (
    "n",
    "missing",
    "df_resid",
    "draws",
    "reps",
    "stage",
    "wave",
    "rows",
    "columns",
    "event_time",
    "msms",
)
# proportions 0-1, shown as percent
SHARE_COLUMNS = ("progress", "expected", "share", "power", "treated_share")
SHARE_PREFIXES = ("share_", "mean_progress")
# already percent (0-100)
PERCENT_COLUMNS = ("low", "neutral", "high", "percent")
EURO_MARKERS = ("eur",)
# values of indicators, one indicator per row (logframe, attainment): each in its own unit, so
# a whole count reads "22", a value with a fraction keeps the decimals ("155,58")
INDICATOR_VALUE_COLUMNS = ("baseline", "target", "current", "actual", "output_value")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "de" else pair[1]


def _check_lang(lang: str) -> None:
    if lang not in ("de", "en"):
        raise ValueError(f"lang muss 'de' oder 'en' sein, nicht {lang!r} (lang must be de or en)")


def _unit_names(data: Dataset, lang: str = "de") -> dict[str, str]:
    names = lab_names(data)
    # the pooled row of stats.change_by_unit
    names.setdefault("alle", "alle zusammen" if lang == "de" else "all together")
    communes = data.tables.get("comparison_communes")
    if communes is not None and "unit_id" in communes:
        label = "name" if "name" in communes else "unit_id"
        names.update(zip(communes["unit_id"].astype(str), communes[label].astype(str), strict=True))
    return names


def _constructs(data: Dataset | None, lang: str) -> dict[str, str]:
    out = {code: _pick(pair, lang) for code, pair in CONSTRUCT_LABELS.items()}
    perspectives = data.tables.get("perspectives") if data is not None else None
    if perspectives is not None:
        column = "name_de" if lang == "de" else "name_en"
        out.update(
            zip(
                perspectives["perspective_id"].astype(str),
                perspectives[column].astype(str),
                strict=True,
            )
        )
    return out


def _is_count(col: str, series: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return False
    return col in COUNT_COLUMNS or col.startswith(COUNT_PREFIXES)


def _whole_numbers(values: pd.Series) -> bool:
    """Tell whether a column holds integers or only whole floats (e.g. pivoted counts)."""
    if pd.api.types.is_integer_dtype(values):
        return True
    present = values.dropna()
    return bool(len(present)) and bool((present == present.round()).all())


def _whole(value: object) -> bool:
    """Tell whether one value is a whole number (missing values are not)."""
    try:
        number_ = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(number_) and number_.is_integer()


def _is_share(col: str) -> bool:
    return col in SHARE_COLUMNS or col.startswith(SHARE_PREFIXES)


def _join_ci(frame: pd.DataFrame) -> pd.DataFrame:
    """Put each ``*ci_low*``/``*ci_high*`` pair into one interval column ``*ci*`` (tuples)."""
    out = frame.copy()
    pairs_found = [
        (c, c.replace("ci_low", "ci_high"), c.replace("_ci_low", "_ci").replace("ci_low", "ci"))
        for c in out.columns
        if "ci_low" in c and c.replace("ci_low", "ci_high") in out.columns
    ]
    for low, high, name in pairs_found:
        if low in out.columns and high in out.columns:
            at = list(out.columns).index(low)
            pairs = list(zip(out[low], out[high], strict=True))
            out = out.drop(columns=[low, high])
            out.insert(at, name, pd.Series(pairs, index=out.index, dtype=object))
    return out


def labelled(frame: pd.DataFrame, data: Dataset | None = None, *, lang: str = "de") -> pd.DataFrame:
    """Return ``frame`` with readable values and no internal ids (headers still raw).

    Lab ids become lab names (``lab_id``, ``unit_id`` and an index or column
    axis of lab ids), indicator ids and node ids become their names (or are
    dropped when the frame already has the name), codes become labels,
    ``period_id`` is upper-cased (``SB5``), booleans read ``ja``/``nein``.
    The wording of an item the codebook marks ``reverse_keyed`` ends in
    "(negativ formuliert)", or in "(negativ formuliert, umgepolt)" when the
    frame's ``attrs["reversed_items"]`` names it (values reversed, as in
    :func:`ogl_impact.stats.item_statistics` of an item matrix).
    Respondent ids are always dropped. A named index is turned into columns
    first, so pivot tables keep their row labels.

    Parameters
    ----------
    frame : DataFrame
        A result frame.
    data : Dataset, optional
        The dataset the frame came from; needed to name labs, indicators and
        nodes. Without it, id columns that cannot be named are dropped.
    lang : {"de", "en"}
        Language of the labels.

    Returns
    -------
    DataFrame
        A new frame; numbers stay numbers (formatting is :func:`table`'s job).

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame (e.g. a Series: use ``.to_frame()``).

    Notes
    -----
    The terms of a statistics result ("alpha", "omega_h", "rmsea") are named in
    words only while the frame carries the mark of :mod:`ogl_impact.stats`,
    ``attrs["terms"] == "statistics"``. Copies, row selections and ``assign``
    keep it; :func:`pandas.concat` drops it unless every part has the same
    ``attrs`` (not so for an effect size beside a mean difference or an ICC,
    or a frame given a note of its own), and the joined table shows the
    codes. Join such tables with :func:`concat`, which keeps the mark::

        from ogl_impact.present import concat, table
        both = concat([stats.mean_difference(x, y), stats.effect_sizes(x, y)],
                      ignore_index=True)
        table(both)

    A frame without the mark keeps its terms as written: they are taken for
    the user's names.
    """
    _check_lang(lang)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"erwartet wird ein DataFrame, nicht {type(frame).__name__} "
            "(eine Series mit .to_frame() umwandeln)"
        )
    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" ".join(str(p) for p in c if str(p)) for c in out.columns]
    axis_name = out.columns.name
    units = _unit_names(data, lang) if data is not None else {}
    constructs = _constructs(data, lang)
    vocabularies = {
        col: {code: _pick(pair, lang) for code, pair in voc.items()}
        for col, voc in CODE_VOCABULARIES.items()
    }

    def rename_axis_value(value: object) -> str:
        text = str(value)
        if axis_name in ("lab_id", "unit_id"):
            return units.get(text, text)
        if axis_name in ("period_id", "current_period"):
            return text.upper()
        if axis_name == "construct":
            return constructs.get(text, text)
        if axis_name in vocabularies:
            return vocabularies[axis_name].get(value, text)
        if axis_name == "status":
            return _pick(STATUS_LABELS[text], lang) if text in STATUS_LABELS else text
        return text

    # the column axis of a pivot table holds codes: label them before the index joins it
    out.columns = [rename_axis_value(c) for c in out.columns]
    if any(name is not None for name in out.index.names):
        out = out.reset_index()
    else:
        out = out.reset_index(drop=True)
    out.columns = [str(c) for c in out.columns]
    out.columns.name = None

    out = out.drop(columns=[c for c in out.columns if c in NEVER_SHOWN])
    names = _names(data, out, lang, frame.attrs.get("reversed_items", ()))
    for col, readable in REPLACED_BY.items():
        if col not in out.columns:
            continue
        if readable in out.columns:
            out = out.drop(columns=col)
        elif col in names:
            out[col] = names[col]
    if "explanation_de" in out.columns and "explanation_en" in out.columns:
        out = out.drop(columns="explanation_en" if lang == "de" else "explanation_de")
    # the kind of each model parameter, before it is labelled: thresholds are named in words
    raw_kinds = out["kind"].tolist() if "kind" in out.columns else None
    raw_terms = out["term"].tolist() if "term" in out.columns else None
    for col in list(out.columns):
        values = out[col]
        if col in ("lab_id", "unit_id"):
            if data is None:
                out = out.drop(columns=col)
            else:
                out[col] = values.astype(str).map(lambda v: units.get(v, v))
        elif col in ("period_id", "current_period"):
            out[col] = values.map(lambda v: v.upper() if isinstance(v, str) else v)
        elif col == "construct":
            out[col] = values.astype(str).map(lambda v: constructs.get(v, v))
        elif col == "kind":
            out[col] = values.map(lambda v: _pick(KIND_LABELS[v], lang) if v in KIND_LABELS else v)
        elif col == "group" and values.map(lambda v: v in HEADERS or v in GROUP_LABELS).any():
            # the grouping column of a mixed model, named by its header
            out[col] = values.map(
                lambda v: (
                    _pick(HEADERS[v], lang)
                    if v in HEADERS
                    else _pick(GROUP_LABELS[v], lang)
                    if v in GROUP_LABELS
                    else v
                )
            )
        elif col == "method" or col.startswith("method_"):
            out[col] = values.map(lambda v: _method(v, lang))
        elif col == "description" and raw_terms is not None:
            # the form of an ICC, named by its code (the frame's text is English)
            out[col] = [
                _pick(ICC_LABELS[t], lang) if isinstance(t, str) and t in ICC_LABELS else v
                for v, t in zip(values, raw_terms, strict=True)
            ]
        elif col == "note" and _is_result(frame):
            # a note of a statistics result (written in both languages); a programme table's
            # note ("Kooperation Kehl / Straßburg") is text of its own and stays whole
            out[col] = values.map(lambda v: in_language(v, lang))
        elif col == "table" and values.map(lambda v: v in TABLES).all():
            # the programme tables (Dataset.summary) by their titles; the file stays beside
            if lang == "de":
                out[col] = values.map(lambda v: TABLES[v].title_de)
        elif col == "term":
            kinds = raw_kinds if raw_kinds is not None else [None] * len(out)
            context = {
                # a table of statistics (fit measures, alpha, effect sizes) as stats marks it;
                # any other frame's terms are the user's names, whatever they read like
                "statistics": frame.attrs.get("terms") == STATISTIC_TERMS,
                "events": "event_time" in out.columns,
                "lavaan": "op" in out.columns,
            }
            out[col] = [
                _term(v, kind, lang, **context) for v, kind in zip(values, kinds, strict=True)
            ]
        elif col == "status":
            out[col] = values.astype(str).map(
                lambda v: _pick(STATUS_LABELS[v], lang) if v in STATUS_LABELS else v
            )
        elif col == "flag":
            out[col] = values.astype(str).map(
                lambda v: _pick(vocab.FLAG_LABELS[v], lang) if v in vocab.FLAG_LABELS else v
            )
        elif col in vocabularies and not pd.api.types.is_float_dtype(values):
            voc = vocabularies[col]
            out[col] = values.map(lambda v, voc=voc: voc.get(v, v) if pd.notna(v) else v)
        elif col == "is_lab" and pd.api.types.is_bool_dtype(values):
            out[col] = values.map(
                lambda v: _pick(UNIT_KIND_LABELS[bool(v)], lang) if pd.notna(v) else v
            )
        elif col in ("indicator_id", "node_id", "item_id") and col not in names:
            out = out.drop(columns=col)
        elif pd.api.types.is_bool_dtype(values):  # a nullable decision may be NA: no decision
            out[col] = values.map(lambda v: _pick(BOOL_LABELS[bool(v)], lang) if pd.notna(v) else v)
    return out


_RESULT_COLUMNS = frozenset(
    {"estimate", "statistic", "p_val", "method", "se", "r_drop", "min_r_drop"}
)
"""Columns only the result frames of :mod:`ogl_impact.stats` have (no programme table)."""


def _is_result(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a statistics result, whose notes are written in both languages."""
    return bool(_RESULT_COLUMNS & {str(c) for c in frame.columns})


def in_language(text: object, lang: str = "de") -> object:
    """Return the reader's half of a note that :mod:`ogl_impact.stats` writes in both languages.

    Notes of model fits read "German / English" (``"konvergiert / converged"``);
    a table shows one of the two. Text without exactly one separator is
    returned unchanged.

    Parameters
    ----------
    text : str
        A note (other values are returned as they are).
    lang : {"de", "en"}
        The reader's language.

    Returns
    -------
    str

    Examples
    --------
    >>> in_language("konvergiert / converged")
    'konvergiert'
    >>> in_language("konvergiert / converged", "en")
    'converged'
    >>> in_language("Referenz (auf 0 gesetzt)", "en")
    'Referenz (auf 0 gesetzt)'
    """
    _check_lang(lang)
    if not isinstance(text, str):
        return text
    german, english = words.halves(text)
    return german if lang == "de" else english


def _method(value: object, lang: str) -> object:
    """Show a method text in the reader's language, the columns it mentions by their headers."""
    if not isinstance(value, str):
        return value
    if value in METHOD_LABELS:
        return _pick(METHOD_LABELS[value], lang)
    text = str(in_language(value, lang))
    return METHOD_COLUMNS.sub(lambda m: header(m.group(1), lang), text)


def _term(
    value: object,
    kind: object,
    lang: str,
    *,
    statistics: bool = False,
    events: bool = False,
    lavaan: bool = False,
) -> object:
    """Name a model term in words: known terms by TERM_LABELS, thresholds "zwischen 1 und 2".

    With ``statistics`` (the frame is marked ``attrs["terms"] == "statistics"`` by
    :func:`ogl_impact.stats.outputs.statistic_terms`) a code is named by that table; with
    ``events`` (an event study) ``event_-1`` reads "Ereigniszeit −1"; with ``lavaan`` (the
    parameters of :func:`ogl_impact.stats.cfa`) ``visual=~x1`` reads "Ladung visual → x1".
    The user's own names stay as written.
    """
    if not isinstance(value, str):
        return value
    if value in TERM_LABELS:
        return _pick(TERM_LABELS[value], lang)
    if statistics and value in STATISTIC_LABELS:
        return _pick(STATISTIC_LABELS[value], lang)
    event = EVENT_TERM.match(value) if events else None
    if event:
        return _pick(EVENT_LABEL, lang).format(number(int(event.group(1)), 0, lang))
    parameter = LAVAAN_TERM.match(value) if lavaan else None
    if parameter:
        lhs, op, rhs = parameter.groups()
        op = "variance" if op == "~~" and lhs == rhs else op
        return _pick(LAVAAN_LABELS[op], lang).format(lhs, rhs)
    found = THRESHOLD.match(value) if kind == "threshold" else None
    if found:
        low, high = found.groups()
        return f"zwischen {low} und {high}" if lang == "de" else f"between {low} and {high}"
    parts = value.split(", ")
    if len(parts) > 1 and any(p in TERM_LABELS for p in parts):
        # a correlation of two random terms: "(Intercept), nachher"
        return ", ".join(_pick(TERM_LABELS[p], lang) if p in TERM_LABELS else p for p in parts)
    return value


def _names(
    data: Dataset | None,
    frame: pd.DataFrame,
    lang: str = "de",
    reversed_items: Sequence[str] = (),
) -> dict[str, pd.Series]:
    """Readable names of the indicator, node and item ids of ``frame`` (by lab where needed).

    A reverse-keyed item's wording ends in :data:`REVERSED_MARK` (answers as
    given), or in :data:`REVERSED_VALUES_MARK` when it is one of
    ``reversed_items`` (its values are reversed).
    """
    if data is None:
        return {}
    out: dict[str, pd.Series] = {}
    for col, table, name_col in (
        ("indicator_id", "indicators", "name"),
        ("node_id", "nodes", "label"),
    ):
        if col not in frame.columns or table not in data.tables:
            continue
        source = data[table][["lab_id", col, name_col]].astype(str)
        if "lab_id" in frame.columns:
            lookup = source.set_index(["lab_id", col])[name_col]
            keys = pd.MultiIndex.from_arrays([frame["lab_id"].astype(str), frame[col].astype(str)])
        else:
            if source[col].duplicated().any():
                continue
            lookup = source.set_index(col)[name_col]
            keys = frame[col].astype(str)
        found = pd.Series(lookup.reindex(keys).to_numpy(), index=frame.index)
        if found.notna().all():
            out[col] = found
    if "codebook" in data.tables:
        book = data["codebook"]
        column = "wording_de" if lang == "de" else "wording_en"
        wording = dict(zip(book["item_id"].astype(str), book[column].astype(str), strict=True))
        if "reverse_keyed" in book.columns:
            keyed = book["reverse_keyed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
            turned = {str(i) for i in reversed_items}
            for item in book.loc[keyed, "item_id"].astype(str):
                mark = REVERSED_VALUES_MARK if item in turned else REVERSED_MARK
                wording[item] = f"{wording[item].rstrip('.')} {_pick(mark, lang)}"
        for col in ("item_id", "weakest_item"):
            if col in frame.columns:
                found = frame[col].astype(str).map(wording)
                if found.notna().all():
                    out[col] = found
    return out


def number(value: object, decimals: int = 2, lang: str = "de") -> str:
    """Format a number with a decimal comma (German) or point (English).

    Parameters
    ----------
    value : float
        The number; missing values give ``"–"``.
    decimals : int, default 2
        Decimal places.
    lang : {"de", "en"}
        Number format.

    Returns
    -------
    str

    Examples
    --------
    >>> number(1234.5678)
    '1.234,57'
    >>> number(-0.5, 1, lang="en")
    '−0.5'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    try:
        text = f"{float(value):,.{decimals}f}"
    except (TypeError, ValueError):
        return str(value)
    if lang == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")


def _p_value(value: object, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if float(value) < 0.001:
        return "< " + number(0.001, 3, lang)
    return number(value, 3, lang)


def _percent(value: object, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    return number(100 * float(value), 0, lang) + " %"


def _interval(value: object, decimals: int, lang: str) -> str:
    if not isinstance(value, tuple) or all(v is None or pd.isna(v) for v in value):
        return "–"
    low, high = (number(v, decimals, lang) for v in value)
    return f"[{low}; {high}]" if lang == "de" else f"[{low}, {high}]"


def _date(value: object, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    day = pd.Timestamp(value)
    return day.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d")


def formatters(frame: pd.DataFrame, *, lang: str = "de", decimals: int = 2) -> dict:
    """Choose a formatter per column of a :func:`labelled` frame by the column's kind.

    Parameters
    ----------
    frame : DataFrame
        A frame from :func:`labelled` (raw column names).
    lang : {"de", "en"}
        Number format.
    decimals : int, default 2
        Decimal places of estimates and other real numbers.

    Returns
    -------
    dict
        ``{column: callable}`` for ``Styler.format``.
    """
    out = {}
    for col in frame.columns:
        values = frame[col]
        if col in P_COLUMNS:
            out[col] = lambda v, lang=lang: _p_value(v, lang)
        elif values.map(lambda v: isinstance(v, tuple)).any():
            out[col] = lambda v, lang=lang: _interval(v, decimals, lang)
        elif pd.api.types.is_datetime64_any_dtype(values) or (
            values.dtype == object and values.map(lambda v: isinstance(v, date | datetime)).any()
        ):
            out[col] = lambda v, lang=lang: _date(v, lang)
        elif not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            out[col] = lambda v: "–" if v is None or (not isinstance(v, str) and pd.isna(v)) else v
        elif col in PERCENT_COLUMNS:
            out[col] = lambda v, lang=lang: number(v, 1, lang) + " %" if pd.notna(v) else "–"
        elif _is_share(col):
            out[col] = lambda v, lang=lang: _percent(v, lang)
        elif (
            _is_count(col, values) or any(m in col for m in EURO_MARKERS) or _whole_numbers(values)
        ):
            out[col] = lambda v, lang=lang: number(v, 0, lang)
        elif col in INDICATOR_VALUE_COLUMNS:
            out[col] = lambda v, lang=lang: number(v, 0 if _whole(v) else decimals, lang)
        else:
            out[col] = lambda v, lang=lang: number(v, decimals, lang)
    return out


def header(column: str, lang: str = "de") -> str:
    """Header of a result column in the chosen language (the column name if unknown).

    A column of :data:`HEADERS` by its words; a group factor of a Schmid-Leiman
    solution (psych's ``F1*``) as "Gruppenfaktor 1" / "Group factor 1".

    Examples
    --------
    >>> header("estimate")
    'Schätzwert'
    >>> header("p_val", "en")
    'p'
    >>> header("alpha")
    'Cronbachs Alpha'
    >>> header("F2*", "en")
    'Group factor 2'
    """
    _check_lang(lang)
    pair = HEADERS.get(column)
    if pair:
        return _pick(pair, lang)
    group = GROUP_FACTOR.match(column)
    if group:
        return _pick(GROUP_FACTOR_LABEL, lang).format(group.group(1))
    return column


def threshold(frame: pd.DataFrame) -> int | None:
    """Return the k a result frame was masked with: ``attrs["min_n"]``, else from its note.

    Parameters
    ----------
    frame : DataFrame
        A result of :mod:`ogl_impact.stats` (or a copy that kept its ``attrs``).

    Returns
    -------
    int or None
        None when neither says it.

    Examples
    --------
    >>> f = pd.DataFrame({"n": [3]})
    >>> f.attrs["note"] = "1 Gruppen mit weniger als 7 Befragten unterdrückt"
    >>> threshold(f)
    7
    """
    for key in ("min_n", "k"):
        value = frame.attrs.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    text = str(frame.attrs.get("note", ""))
    for pattern in (r"\(n < (\d+)\)", r"weniger als (\d+)", r"unter (\d+) Befragten"):
        found = re.search(pattern, text)
        if found:
            return int(found.group(1))
    return None


def _mark_suppressed(frame: pd.DataFrame, shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Say in a row's note column that its values are masked, in the reports' one label.

    The ``suppressed`` column (``ja``/``nein`` after :func:`labelled`) gives
    way to the note column (``note`` if the frame has one, else a new one):
    "unterdrückt (n < k)" in a masked row, "n Panel, d_z: unterdrückt (n < k)"
    where only the panel values of :func:`ogl_impact.stats.change_by_unit` are;
    the masked numbers themselves read "–".
    """
    if "suppressed" not in frame.columns or "suppressed" not in shown.columns:
        return shown
    k = threshold(frame)
    if k is None:
        label = "unterdrückt" if lang == "de" else "suppressed"
    else:
        label = privacy.suppressed_label(k, lang)
    flags = frame["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    marks = pd.Series([label if f else "" for f in flags], index=shown.index, dtype=object)
    panel = set(map(str, frame.attrs.get(PANEL_MASKED, ())))
    if panel and "unit_id" in frame.columns:
        only_panel = frame["unit_id"].astype(str).isin(panel).to_numpy() & ~flags
        marks[only_panel] = f"{header('n_panel', lang)}, d_z: {label}"
    out = shown.copy()
    if "note" in out.columns:
        old = out["note"].map(lambda v: "" if v is None or pd.isna(v) else str(v))
        # a note that already carries the label (a Disclosure's decision) keeps it once
        out["note"] = [
            "; ".join(part for part in (mark, text) if part) if mark not in text else text
            for mark, text in zip(marks, old, strict=True)
        ]
        return out.drop(columns="suppressed")
    at = list(out.columns).index("suppressed")
    out = out.drop(columns="suppressed")
    out.insert(at, "note", marks)
    return out


def table(
    frame: pd.DataFrame,
    data: Dataset | None = None,
    *,
    lang: str = "de",
    decimals: int = 2,
    caption: str | None = None,
    hide: Sequence[str] = (),
    disclosure: privacy.Disclosure | None = None,
) -> Styler:
    """Show a result frame as a German (or English) table for notebooks.

    Parameters
    ----------
    frame : DataFrame
        A tidy result frame (or a pivot of one). Join two results with
        :func:`concat`, not :func:`pandas.concat`, or their terms may show as
        codes (see :func:`labelled`, Notes).
    data : Dataset, optional
        The dataset the frame came from, to name labs, indicators and nodes.
    lang : {"de", "en"}, default "de"
        Language of headers, labels and number format.
    decimals : int, default 2
        Decimal places of estimates and other real numbers (p-values always
        three, counts none, shares as whole percent).
    caption : str, optional
        Caption above the table.
    hide : sequence of str, optional
        Columns to leave out after naming (e.g. ``["lab_id"]`` in a table of
        one lab: the lab id still names the indicators, but is not shown).
    disclosure : privacy.Disclosure, optional
        The notebook's one suppression decision: the frame (a per-group
        result that describes its groups in ``attrs``, as the summaries of
        :mod:`ogl_impact.stats` do) passes :meth:`~ogl_impact.privacy.Disclosure.publish`
        before it is shown, so that no table of the notebook, read beside the
        others, gives a group below k away.

    Returns
    -------
    pandas.io.formats.style.Styler
        Displays itself in Jupyter; ``.to_html()`` gives the HTML.

    Raises
    ------
    PrivacyError
        With ``disclosure``: the frame does not describe its groups (the
        message names its columns), or showing it would need a group hidden
        that an earlier table showed.
    """
    if not isinstance(frame, pd.DataFrame):
        return table(labelled(frame, data, lang=lang))  # raises the TypeError with the advice
    if disclosure is not None:
        frame = disclosure.publish(frame)
    unknown = sorted(set(hide) - {str(c) for c in frame.columns} - set(frame.index.names))
    if unknown:
        raise ValueError(
            f"hide nennt Spalten, die die Tabelle nicht hat: {unknown} "
            f"(hide names columns the frame lacks)"
        )
    shown = _mark_suppressed(frame, labelled(frame, data, lang=lang), lang)
    shown = _join_ci(shown.drop(columns=[c for c in hide if c in shown.columns]))
    if _same_level(frame) and "alpha_adj" in shown.columns:
        # only a two-stage FDR correction tests its last stage at another level than alpha
        shown = shown.drop(columns="alpha_adj")
    style = shown.style.format(formatters(shown, lang=lang, decimals=decimals))
    style = style.hide(axis="index")
    constructs = _constructs(data, lang)
    headers = [
        constructs[c] if c in constructs and c not in HEADERS else header(c, lang)
        for c in shown.columns
    ]
    if "alpha" in shown.columns and ({"power", "reject"} & set(shown.columns)):
        # beside a power (stats.power, minimum_detectable_effect) or a test decision
        # (stats.adjust_pvalues) alpha is the level of the test, not Cronbach's alpha of the
        # reliability tables
        headers[list(shown.columns).index("alpha")] = _pick(SIGNIFICANCE_LEVEL, lang)
    if "p_adj" in shown.columns:
        headers[list(shown.columns).index("p_adj")] = _pick(_adjusted_p(frame), lang)
    style = style.relabel_index(headers, axis="columns")
    style = style.set_table_styles(
        [
            {"selector": "th", "props": "text-align: left; padding: 2px 8px;"},
            {"selector": "td", "props": "padding: 2px 8px;"},
        ]
    )
    numeric = [
        c
        for c in shown.columns
        if pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
    ]
    if numeric:
        style = style.set_properties(subset=numeric, **{"text-align": "right"})
    if caption:
        style = style.set_caption(caption)
    return style


def _same_level(frame: pd.DataFrame) -> bool:
    """Whether a correction table's ``alpha_adj`` only repeats ``alpha`` in every row."""
    if not {"alpha", "alpha_adj"} <= set(frame.columns):
        return False
    return bool(frame["alpha"].astype(float).eq(frame["alpha_adj"].astype(float)).all())


def _adjusted_p(frame: pd.DataFrame) -> tuple[str, str]:
    """Header of ``p_adj`` by the correction used: "p (Holm)", "p (Bonferroni)", "p (korrigiert)".

    The correction recorded in ``attrs["adjust"]`` (:func:`ogl_impact.stats.change_by_unit`)
    names it; else a method column (:func:`ogl_impact.stats.adjust_pvalues`) naming one
    correction; with neither (or several) the header says only that the p-values are corrected.
    """
    recorded = frame.attrs.get(ADJUST)
    if isinstance(recorded, str):
        return ADJUSTED_P_BY.get(recorded, ADJUSTED_P)
    if "method" in frame.columns:
        corrections = {m for m in frame["method"] if isinstance(m, str) and m in ADJUSTED_P_BY}
        if len(corrections) == 1:
            return ADJUSTED_P_BY[corrections.pop()]
    return ADJUSTED_P


def concat(frames: Sequence[pd.DataFrame], **kwargs: object) -> pd.DataFrame:
    """Put result frames one under another, keeping the mark that names their terms in words.

    Parameters
    ----------
    frames : sequence of DataFrame
        Results of :mod:`ogl_impact.stats` (or rows of them), e.g.
        ``stats.effect_sizes(x, y)`` and ``stats.mean_difference(x, y)``.
    **kwargs
        Passed to :func:`pandas.concat` (``ignore_index=True``, ``keys=...``).

    Returns
    -------
    DataFrame
        ``pandas.concat(frames, **kwargs)``, marked ``attrs["terms"] = "statistics"``
        (:func:`ogl_impact.stats.outputs.statistic_terms`) when some frame is and no
        frame without the mark has a term that reads like a statistic of
        :data:`STATISTIC_LABELS`.

    Warns
    -----
    UserWarning
        A frame without the mark has such a term (the user's variable ``alpha``
        beside Cronbach's alpha): the mark is not set, all terms stay as written.

    Notes
    -----
    :func:`pandas.concat` keeps ``attrs`` only when every frame has the same, so
    a statistics table joined with one of another kind (a mean difference, an
    ICC, a frame with a note in ``attrs``) loses the mark and :func:`labelled`
    shows its terms as codes ("hedges_g", "omega_h"). The mark renames only
    the codes of :data:`STATISTIC_LABELS`, so setting it on the joined frame
    leaves every other term as it was; a frame without the mark whose term is
    such a code is the user's name for something else, and one mark cannot
    tell the two rows apart. Every other attribute is what pandas keeps (a
    description of the groups that differs between the frames is dropped and
    :class:`~ogl_impact.privacy.Disclosure` then refuses the frame, as it
    should).

    Examples
    --------
    >>> from ogl_impact import stats
    >>> x, y = [5.1, 4.8, 6.0, 5.5, 4.9], [4.0, 4.4, 5.1, 4.2, 3.9]
    >>> parts = [stats.mean_difference(x, y), stats.effect_sizes(x, y)]
    >>> "hedges_g" in labelled(pd.concat(parts))["term"].tolist()
    True
    >>> labelled(concat(parts, ignore_index=True))["term"].tolist()[1:4]
    ['Mittelwertdifferenz', 'Cohens d', "Hedges' g"]
    """
    frames = list(frames)
    out = pd.concat(frames, **kwargs)  # type: ignore[call-overload]
    marked = [f.attrs.get("terms") == STATISTIC_TERMS for f in frames]
    if not any(marked):
        return out
    clashes = {
        at: sorted({str(t) for t in f["term"] if isinstance(t, str) and t in STATISTIC_LABELS})
        for at, (f, mark) in enumerate(zip(frames, marked, strict=True), start=1)
        if not mark and "term" in f.columns
    }
    clashes = {at: terms for at, terms in clashes.items() if terms}
    if clashes:
        named = "; ".join(f"Tabelle {at}: {', '.join(terms)}" for at, terms in clashes.items())
        warnings.warn(
            f"present.concat: {named} - keine Statistiktabelle von ogl_impact.stats, aber Terme "
            "wie deren Kennungen; sie gelten als eigene Namen, daher bleiben alle Terme "
            "ungenannt (Regel: nur markierte Tabellen, attrs['terms'] == 'statistics'). "
            "Die Tabellen einzeln zeigen. / not a statistics table of ogl_impact.stats but "
            "terms like its codes; all terms stay as written, show the tables one by one",
            UserWarning,
            stacklevel=2,
        )
        return out
    return statistic_terms(out)


def show(drawn: object, *, only: str | None = None, lang: str = "de") -> None:
    """Show report figures in a notebook: caption with n and source, then the figure.

    Each figure is displayed once and then closed, so Jupyter's inline
    backend does not show it a second time at the end of the cell.

    Parameters
    ----------
    drawn : Drawn, list of Drawn, Figure or Axes
        What :func:`ogl_impact.reports.draw` returns, or a figure (or the
        axes of one) drawn with :mod:`ogl_impact.plots`.
    only : str, optional
        Show only the figure of this name (e.g. ``"wirkungsmodell_brandis"``);
        the others are closed unseen.
    lang : {"de", "en"}
        Language of the line under the caption.

    Raises
    ------
    ValueError
        If ``only`` names no figure of ``drawn``, listing the names there are.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    _check_lang(lang)
    if hasattr(drawn, "get_figure") and not hasattr(drawn, "caption"):
        figure = drawn.get_figure()
        display(figure)
        plt.close(figure)
        return
    items = list(drawn) if isinstance(drawn, list | tuple) else [drawn]
    names = [d.name for d in items]
    if only is not None and only not in names:
        for d in items:
            plt.close(d.figure)
        raise ValueError(
            f"keine Abbildung namens {only!r}; vorhanden: {', '.join(names) or 'keine'} "
            f"(no figure named {only!r})"
        )
    for d in items:
        if only is not None and d.name != only:
            plt.close(d.figure)
            continue
        n = "" if d.n is None else f"n = {number(d.n, 0, lang)}; "
        source = "Quelle" if lang == "de" else "Source"
        display(Markdown(f"**{d.caption}** ({n}{source}: {d.source})"))
        display(d.figure)
        plt.close(d.figure)
