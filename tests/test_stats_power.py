"""Power and MDE against Cohen's table and a simulation with the effect set to the MDE."""

import numpy as np
import pytest
from scipy import stats

from ogl_impact.stats import minimum_detectable_effect, power
from tests.references import parse as ref


def test_cohen_table_two_groups_of_64():
    table = ref.cohen_power()  # tests/references/cohen1988_power.txt
    d, n = table["d"], table["n"]
    assert (
        round(power(d, n_clusters=2 * n, cluster_size=1, icc=0)["power"].iloc[0], 2)
        == (table["power"])
    )
    assert power(d, n_clusters=2 * n - 4, cluster_size=1, icc=0)["power"].iloc[0] < table["power"]


@pytest.mark.slow
def test_mde_is_detected_with_the_target_power_in_simulation():
    J, m, rho = 20, 30, 0.1
    mde = minimum_detectable_effect(n_clusters=J, cluster_size=m, icc=rho)["mde"].iloc[0]
    rng = np.random.default_rng(12)
    hits, reps = 0, 2000
    treated = np.arange(J) < J // 2
    for _ in range(reps):
        u = rng.normal(0, np.sqrt(rho), J)
        e = rng.normal(0, np.sqrt(1 - rho), (J, m)).mean(axis=1)
        means = u + e + mde * treated
        hits += stats.ttest_ind(means[treated], means[~treated]).pvalue < 0.05
    assert hits / reps == pytest.approx(0.80, abs=0.03)


def test_mde_shrinks_with_more_clusters_and_grows_with_icc():
    base = minimum_detectable_effect(n_clusters=21, cluster_size=80, icc=0.05)["mde"].iloc[0]
    more = minimum_detectable_effect(n_clusters=42, cluster_size=80, icc=0.05)["mde"].iloc[0]
    hi = minimum_detectable_effect(n_clusters=21, cluster_size=80, icc=0.2)["mde"].iloc[0]
    assert more < base < hi
