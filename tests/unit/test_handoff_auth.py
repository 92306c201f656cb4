"""Agent accounts: hashed passwords, expiring sessions, roles, and login limits without user enumeration."""
import pytest

from bot.handoff.auth import AgentAuth, LoginRefused, token_hash
from bot.handoff.store import SqlHandoffStore


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def auth(tmp_path, clock):
    store = SqlHandoffStore.from_url(f"sqlite:///{tmp_path / 'h.db'}")
    store.migrate()
    a = AgentAuth(store, session_ttl_s=3600, max_failures=3, window_s=900, rounds=4, clock=clock)
    a.create_agent("ann", "correct horse battery", "agent", "Ann Lee")
    return a


def test_passwords_are_stored_hashed_and_tokens_only_as_their_hash(auth):
    agent = auth.store.agent_by_username("ann")
    assert agent.password_hash.startswith("$2b$") and "correct horse" not in agent.password_hash
    session = auth.login("ann", "correct horse battery")
    with auth.store.engine.connect() as c:
        stored = [r[0] for r in c.exec_driver_sql("select token_hash from agent_sessions")]
    assert stored == [token_hash(session.token)] and session.token not in stored
    assert auth.authenticate(session.token).username == "ann"


def test_wrong_password_and_unknown_user_get_the_same_answer(auth):
    answers = []
    for username, password in (("ann", "wrong password!"), ("nobody", "wrong password!")):
        with pytest.raises(LoginRefused) as refused:
            auth.login(username, password)
        answers.append((str(refused.value), refused.value.rate_limited))
    assert answers[0] == answers[1] == ("wrong username or password", False)


def test_too_many_failures_lock_the_username_for_the_window(auth, clock):
    for _ in range(3):
        with pytest.raises(LoginRefused):
            auth.login("ann", "wrong password!", "10.0.0.1")
    with pytest.raises(LoginRefused) as refused:
        auth.login("ann", "correct horse battery", "10.0.0.2")  # even the right password, from anywhere
    assert refused.value.rate_limited and refused.value.retry_after_s == 900
    refusals = []
    for _ in range(4):
        with pytest.raises(LoginRefused) as unknown:
            auth.login("nobody", "x", "10.0.0.3")
        refusals.append(unknown.value.rate_limited)
    assert refusals == [False, False, False, True]  # unknown names are limited the same way: no difference to observe
    clock.now += 901
    assert auth.login("ann", "correct horse battery").agent.username == "ann"


def test_one_address_trying_many_usernames_is_limited(auth):
    for n in range(30):
        with pytest.raises(LoginRefused):
            auth.login(f"guess{n}", "password123", "10.9.9.9")
    with pytest.raises(LoginRefused) as refused:
        auth.login("ann", "correct horse battery", "10.9.9.9")
    assert refused.value.rate_limited
    assert auth.login("ann", "correct horse battery", "10.0.0.1")


def test_sessions_expire_end_at_logout_and_when_disabled(auth, clock):
    session = auth.login("ann", "correct horse battery")
    clock.now += 3599
    assert auth.authenticate(session.token) is not None
    clock.now += 2
    assert auth.authenticate(session.token) is None
    second = auth.login("ann", "correct horse battery")
    auth.logout(second.token)
    assert auth.authenticate(second.token) is None
    third = auth.login("ann", "correct horse battery")
    auth.set_active(auth.store.agent_by_username("ann"), False)
    assert auth.authenticate(third.token) is None
    with pytest.raises(LoginRefused):
        auth.login("ann", "correct horse battery")
    assert auth.authenticate("") is None and auth.authenticate("made-up") is None


def test_account_rules(auth):
    with pytest.raises(ValueError, match="already exists"):
        auth.create_agent("ANN", "another long password")
    with pytest.raises(ValueError, match="at least 10"):
        auth.create_agent("bob", "short")
    with pytest.raises(ValueError, match="role"):
        auth.create_agent("bob", "long enough password", role="root")
    with pytest.raises(ValueError, match="username"):
        auth.create_agent("<script>", "long enough password")
    with pytest.raises(LoginRefused):
        auth.login("ann", "x" * 200)  # longer than bcrypt reads: refused, not an error
