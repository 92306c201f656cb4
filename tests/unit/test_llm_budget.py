import threading

import pytest

from bot.llm.budget import BudgetedChatModel, ChatModelBusy


class SlowModel:
    name = "slow"

    def __init__(self, pieces, release=None):
        self.pieces, self.release, self.finished = pieces, release, threading.Event()

    def stream(self, messages, max_tokens):
        for p in self.pieces:
            if self.release is not None:
                self.release.wait(5)
            yield p
        self.finished.set()


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 1.0  # every look at the clock: one second later
        return self.now


def test_a_free_model_phrases_within_the_budget():
    model = BudgetedChatModel(SlowModel(["Hello", " there."]), budget_s=10, clock=Clock())
    assert model.complete([], 10) == "Hello there."
    assert model.complete([], 10) == "Hello there."  # the slot was given back


def test_a_busy_model_is_not_waited_for():
    gate = threading.Event()
    inner = SlowModel(["a", "b"], release=gate)
    model = BudgetedChatModel(inner, slots=1, budget_s=60)
    first = threading.Thread(target=model.complete, args=([], 10))
    first.start()
    for _ in range(100):  # wait until the first generation holds the slot
        if not model._slots.acquire(blocking=False):
            break
        model._slots.release()
    with pytest.raises(ChatModelBusy):
        model.complete([], 10)
    gate.set()
    first.join(5)
    assert model.complete([], 10) == "ab"


def test_a_generation_over_the_budget_is_dropped_and_its_slot_freed_when_it_ends():
    inner = SlowModel(["one ", "two ", "three ", "four"])
    model = BudgetedChatModel(inner, budget_s=1.5, clock=Clock())
    with pytest.raises(ChatModelBusy, match="within 1.5 s"):
        model.complete([], 10)
    assert inner.finished.wait(5)
    for _ in range(100):
        if model._slots.acquire(blocking=False):
            model._slots.release()
            break
    else:
        pytest.fail("the slot was not given back after the drained generation")


def test_settings_are_checked():
    with pytest.raises(ValueError):
        BudgetedChatModel(SlowModel([]), slots=0)


def test_a_model_that_ran_past_its_budget_rests_then_is_asked_again():
    clock = Clock()
    inner = SlowModel(["one ", "two ", "three ", "four"])
    model = BudgetedChatModel(inner, budget_s=1.5, cooldown_s=30, clock=clock)
    with pytest.raises(ChatModelBusy, match="within 1.5 s"):
        model.complete([], 10)
    assert inner.finished.wait(5)
    with pytest.raises(ChatModelBusy, match="lately"):  # not asked: it would only take the cores again
        model.complete([], 10)
    clock.now += 60
    model.budget_s = 100
    assert model.complete([], 10) == "one two three four"
