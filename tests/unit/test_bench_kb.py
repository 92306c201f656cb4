import pytest

from bot.bench.kb import calibrate, two_fold
from bot.bench.report import percentile
from bot.bench.stackfaq import average_precision, score_rankings


def test_average_precision_and_ranking_scores():
    assert average_precision([1, 2, 3], {1}) == 1.0
    assert average_precision([5, 1, 6, 2], {1, 2}) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert average_precision([5, 6], {1}) == 0.0
    s = score_rankings([[1, 2], [3, 1]], [{1}, {1}], 1.0)
    assert (s.map, s.mrr, s.recall_at_1, s.recall_at_5) == (0.75, 0.75, 0.5, 1.0)


def test_calibration_picks_the_separating_cut():
    threshold, acc = calibrate([0.5, 0.6, 0.7], [0.1, 0.2, 0.45])
    assert 0.45 < threshold < 0.5 and acc == 1.0
    assert two_fold([0.5, 0.6, 0.7, 0.8], [0.1, 0.2, 0.3, 0.35]) == 1.0


def test_percentile():
    assert percentile(list(range(1, 101)), 95) == 95 and percentile([3.0], 50) == 3.0 and percentile([], 50) == 0.0
