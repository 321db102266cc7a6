"""tpssim.analytic: the closed forms of models/analytic, from Python."""

import math

import pytest

from tpssim import analytic


def test_erlang_b_and_c_textbook_values():
    # Erlang B(c=10, a=5) = 0.018385; Erlang C(10, 9) = 0.66873 (scenarios/validation/mmc.yaml).
    assert analytic.erlang_b(10, 5.0) == pytest.approx(0.0183846, rel=1e-5)
    assert analytic.erlang_c(10, 9.0) == pytest.approx(0.66873, rel=1e-4)


def test_mmc_matches_the_validation_scenario():
    q = analytic.mmc(90.0, 0.1, 10)
    assert q["rho"] == pytest.approx(0.9)
    assert q["wq"] == pytest.approx(0.066873, rel=1e-4)
    assert q["l"] == pytest.approx(15.0186, rel=1e-4)
    # Little's law holds between the figures.
    assert analytic.littles_law_l(90.0, q["w"]) == pytest.approx(q["l"])
    assert analytic.littles_law_w(q["l"], 90.0) == pytest.approx(q["w"])


def test_mm1_is_mmc_with_one_server_and_mg1_with_cv_1():
    a = analytic.mmc(5.0, 0.1, 1)
    b = analytic.mg1(5.0, 0.1, 1.0)
    assert a["wq"] == pytest.approx(0.1)  # rho / (mu - lambda) = 0.5 / 5
    assert b["wq"] == pytest.approx(a["wq"])


def test_mmck_blocks_and_probabilities_sum_to_one():
    q = analytic.mmck(20.0, 0.1, 1, 5)
    p = analytic.mmck_state_probabilities(20.0, 0.1, 1, 5)
    assert len(p) == 6 and math.fsum(p) == pytest.approx(1.0)
    assert q["p_block"] == pytest.approx(p[-1])
    assert q["lambda_eff"] == pytest.approx(20.0 * (1 - p[-1]))


def test_mva_one_station_one_user_is_demand_plus_think():
    r = analytic.mva(1, 2.0, [0.5])
    assert r["response_time"] == pytest.approx(0.5)
    assert r["throughput"] == pytest.approx(1 / 2.5)
    r2 = analytic.mva(50, 1.0, [(0.1, 4), 0.02])
    assert len(r2["residence"]) == 2
    assert r2["response_time"] == pytest.approx(50 / r2["throughput"] - 1.0)


def test_out_of_domain_is_a_value_error_naming_the_parameter():
    with pytest.raises(ValueError):
        analytic.mmc(200.0, 0.1, 10)  # rho = 2
    with pytest.raises(ValueError, match="c"):
        analytic.erlang_b(0, 1.0)
    with pytest.raises(TypeError, match="stations"):
        analytic.mva(3, 1.0, ["x"])
