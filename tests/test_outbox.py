from yuqing.outbox import enqueue
from yuqing.storage.database import session_factory, transaction


def test_enqueue_says_whether_it_added_the_alert_on_every_backend(engine) -> None:
    with transaction(session_factory(engine)) as session:
        first = enqueue(session, key="case/1/opened", kind="case_opened", channel="log", recipient="log", payload={})
        again = enqueue(session, key="case/1/opened", kind="case_opened", channel="log", recipient="log", payload={})
    assert (first, again) == (True, False)
