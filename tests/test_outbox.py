from yuqing.outbox import enqueue
from yuqing.records import TestAlert
from yuqing.storage.database import session_factory, transaction

ALERT = TestAlert(message="hi")


def test_enqueue_says_whether_it_added_the_alert_on_every_backend(engine) -> None:
    with transaction(session_factory(engine)) as session:
        first = enqueue(session, key="test/1", channel="log", recipient="log", payload=ALERT)
        again = enqueue(session, key="test/1", channel="log", recipient="log", payload=ALERT)
    assert (first, again) == (True, False)
