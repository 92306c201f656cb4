import numpy as np
import pytest

from bot.bench.rec import rank_of_first
from bot.recommend.collaborative import Blend, Interactions, ItemKNN, Popularity, UserKNN

# two taste groups: campers (tent, stove, lamp) and runners (shoes, watch, socks); "dup" buys twice
PAIRS = [("ann", "tent"), ("ann", "stove"), ("ann", "lamp"), ("bob", "tent"), ("bob", "stove"),
         ("cat", "shoes"), ("cat", "watch"), ("cat", "socks"), ("dan", "shoes"), ("dan", "watch"),
         ("eve", "tent"), ("eve", "lamp"), ("dup", "socks"), ("dup", "socks")]


@pytest.fixture
def data():
    return Interactions.from_pairs(PAIRS)


def idx(data, *items):
    return [data.items.index(i) for i in items]


def test_interactions_are_binary(data):
    assert data.matrix.shape == (6, 6) and data.matrix.max() == 1.0
    assert data.matrix[data.users.index("dup")].sum() == 1.0


def test_popularity(data):
    pop = Popularity().fit(data.matrix)
    assert list(pop.score(0, idx(data, "tent", "socks", "watch"))) == [3.0, 2.0, 2.0]


@pytest.mark.parametrize("model", [ItemKNN(k=10), UserKNN(k=3)])
def test_neighbours_recommend_the_missing_item_of_the_own_group(data, model):
    model.fit(data.matrix)
    bob, dan = data.users.index("bob"), data.users.index("dan")
    lamp, socks = idx(data, "lamp", "socks")
    assert model.score(bob, [lamp, socks])[0] > model.score(bob, [lamp, socks])[1]
    assert model.score(dan, [lamp, socks])[1] > model.score(dan, [lamp, socks])[0]


def test_user_knn_is_mean_centred(data):
    model = UserKNN(k=3).fit(data.matrix)
    bob = data.users.index("bob")
    scores = model.score(bob, idx(data, "lamp", "socks"))
    mean = 2 / 6  # bob bought 2 of 6 items
    assert scores[0] > mean > scores[1]  # neighbours bought the lamp, none bought socks


def test_blend_scales_each_signal(data):
    m = data.matrix
    blend = Blend(ItemKNN(), UserKNN(k=3), Popularity()).fit(m)
    bob = data.users.index("bob")
    scores = blend.score(bob, idx(data, "lamp", "socks", "watch"))
    assert scores.argmax() == 0 and 0 <= scores.min() and scores.max() <= 1.0


def test_rank_of_first_counts_ties_at_their_expected_place():
    assert rank_of_first(np.array([5.0, 1, 2, 3])) == 0
    assert rank_of_first(np.array([1.0, 5, 1, 1])) == 2.0  # one ahead, two tied


def test_benchmark_protocol_on_a_synthetic_file(tmp_path):
    """12 taste groups of 10 items; users buy 6 items of their group in random order, so the held-out item
    is one of at most 5 own-group items among the 101 candidates: CF must find it, popularity cannot."""
    import random

    from bot.bench.rec import run

    rng = random.Random(1)
    lines = []
    for u in range(96):
        group = list(range(10 * (u % 12), 10 * (u % 12) + 10))
        lines += [f"u{u} i{i}" for i in rng.sample(group, 6)]
    lines.append("loner i1")  # fewer than 3 interactions: training data only
    path = tmp_path / "interactions.txt"
    path.write_text("\n".join(lines) + "\n")
    flat, md = run(path, max_users=50)
    assert flat["users"] == 50 and flat["users_total"] == 97 and flat["items"] == 120
    assert flat["hit_at_10_item_knn"] > 0.9 and flat["hit_at_10_user_knn"] > 0.9 and flat["hit_at_10"] > 0.9
    assert flat["hit_at_10_popularity"] < 0.5
    assert "SASRec" in md and {"ndcg_at_10", "ndcg_at_10_user_knn", "train_seconds_ranker"} <= flat.keys()


def test_transitions_score_what_people_bought_next():
    from bot.recommend.collaborative import Transitions

    data = Interactions.from_pairs(PAIRS)
    i = {name: n for n, name in enumerate(data.items)}
    sequences = {0: [i["tent"], i["stove"], i["lamp"]], 1: [i["tent"], i["stove"]], 2: [i["shoes"], i["watch"]]}
    model = Transitions(window=2, decay=0.5).fit(data.matrix, sequences)
    # user 1 last bought the stove; after a stove, people bought the lamp
    scores = model.score(1, [i["lamp"], i["watch"], i["socks"]])
    assert scores[0] > 0 and scores[1] == scores[2] == 0
    assert list(model.score(5, [i["lamp"]])) == [0.0]  # no history
