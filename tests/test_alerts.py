"""Alerts through the outbox to real local servers: Slack Web API, SMTP with STARTTLS, JSON webhooks."""

import base64
import hashlib
import hmac
import json
import urllib.parse
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from support.config import edit_config
from support.factories import T0, add_complaint, add_critical_explosion, run_together
from support.servers import fake_slack, smtp_server, webhook_receiver

from notifications.dispatcher import Dispatcher, requeue
from responder.cases import Responder
from responder.lifecycle import record_response
from responder.runner import check_clocks, group_and_open
from yuqing.outbox import enqueue
from yuqing.records import TestAlert
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Case, Notification

HOUR = timedelta(hours=1)
EMERGENCY = {"category": "emergency", "domains": ("emergency_management",), "regions": ("331102",)}


@pytest.fixture
def slack():
    with fake_slack() as server:
        yield server


def settings_for(config_dir: Path, **env: str):
    return load_settings({"YUQING_CONFIG": str(config_dir), **env})


def slack_settings(config_dir: Path, slack, **env: str):
    return settings_for(config_dir, SLACK_BOT_TOKEN="xoxb-test", YUQING_SLACK_BASE_URL=slack.url, **env)


def dispatcher(engine, settings, now) -> Dispatcher:
    return Dispatcher(settings, session_factory(engine), clock=lambda: now)


def open_case(engine, settings, *, critical: bool = True, now=T0 + HOUR) -> None:
    with transaction(session_factory(engine)) as session:
        if critical:
            add_critical_explosion(session)
        else:
            add_complaint(session)
    group_and_open(session_factory(engine), Responder(settings), lambda: now)


def rows(engine) -> list[Notification]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_each_alert_arrives_once_as_block_kit(engine, config_dir, slack) -> None:
    settings = slack_settings(config_dir, slack)
    open_case(engine, settings)
    first = dispatcher(engine, settings, T0 + HOUR).run()
    again = dispatcher(engine, settings, T0 + 2 * HOUR).run()
    assert (first.sent, again.sent) == (3, 0)  # the coordinators, and the duty channel (for the lead too)
    posts = slack.posts()
    assert sorted(p["channel"] for p in posts) == ["#lishui-duty", "#zhejiang-gov", "#zhejiang-propaganda"]
    blocks = json.dumps(posts[0]["blocks"], ensure_ascii=False)
    for expected in (
        "重大突发事件和自然灾害 · 特急 · 重大（Ⅱ级）",
        "莲都区",
        "浙江省应急管理部门",
        "中共浙江省委宣传部",
        "时限·发布权威信息",
        "2026-11-18 13:00前",
        "剩余4小时0分钟",
        "发布权威信息，讲清事实真相",
        "莲都化工企业爆炸死亡升至12人",
    ):
        assert expected in blocks
    assert "打开案件" not in blocks and "/cases/" not in blocks  # no console address configured: no dead link
    assert posts[0]["metadata"]["event_payload"]["key"].startswith("case/1/opened|slack:")
    assert {r.state for r in rows(engine)} == {"sent"}


def test_the_case_link_uses_the_configured_console_address(engine, config_dir, slack) -> None:
    edit_config(config_dir, "notifications.yaml", {"console_url": "https://yuqing.lishui.example/"})
    settings = slack_settings(config_dir, slack)
    open_case(engine, settings)
    dispatcher(engine, settings, T0 + HOUR).run()
    blocks = json.dumps(slack.posts()[0]["blocks"], ensure_ascii=False)
    assert "打开案件" in blocks and "https://yuqing.lishui.example/cases/1" in blocks


def test_later_alerts_about_a_case_reply_in_its_thread(engine, config_dir, slack) -> None:
    settings = slack_settings(config_dir, slack)
    open_case(engine, settings, critical=False)
    dispatcher(engine, settings, T0 + HOUR).run()
    check_clocks(session_factory(engine), Responder(settings), lambda: T0 + 25 * HOUR)
    dispatcher(engine, settings, T0 + 25 * HOUR).run()
    root, warning = [p for p in slack.posts() if p["channel"] == "#liandu-environment"]
    assert "thread_ts" not in root or root["thread_ts"] is None
    (root_message, reply) = slack.messages["C0LIANDUENV"]
    assert warning["thread_ts"] == root_message["ts"] == reply["thread_ts"]


def test_a_rate_limit_is_waited_out(engine, config_dir, slack) -> None:
    settings = slack_settings(config_dir, slack)
    slack.script["chat.postMessage"] = [(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})]
    with transaction(session_factory(engine)) as session:
        enqueue(session, key="k1", channel="slack", recipient="#press", payload=TestAlert(message="hi"))
    result = dispatcher(engine, settings, T0).run()
    assert result.sent == 1
    assert [c.method for c in slack.calls] == ["chat.postMessage", "chat.postMessage"]


def test_a_server_error_is_retried_later_with_backoff(engine, config_dir, slack) -> None:
    settings = slack_settings(config_dir, slack)
    slack.script["chat.postMessage"] = [(500, {"ok": False, "error": "fatal_error"}, {})]
    with transaction(session_factory(engine)) as session:
        enqueue(session, key="k1", channel="slack", recipient="#press", payload=TestAlert(message="hi"))
    assert dispatcher(engine, settings, T0).run().retried == 1
    (row,) = rows(engine)
    assert row.state == "pending" and row.next_attempt_at == T0 + timedelta(seconds=30)
    assert dispatcher(engine, settings, T0 + timedelta(seconds=29)).run().sent == 0
    assert dispatcher(engine, settings, T0 + timedelta(seconds=30)).run().sent == 1


def test_a_permanent_error_fails_at_once_and_says_why(engine, config_dir, slack, cli) -> None:
    settings = slack_settings(config_dir, slack)
    slack.script["chat.postMessage"] = [(200, {"ok": False, "error": "channel_not_found"}, {})]
    with transaction(session_factory(engine)) as session:
        enqueue(session, key="k1", channel="slack", recipient="#gone", payload=TestAlert(message="hi"))
    result = dispatcher(engine, settings, T0).run()
    assert result.failed == 1 and result.errors == ["Slack chat_postMessage: channel_not_found"]
    assert dispatcher(engine, settings, T0 + 10 * HOUR).run().sent == 0
    assert len(slack.posts()) == 1
    listing = cli("alerts", "list", "--state", "failed")
    assert "slack:#gone" in listing.stdout and "channel_not_found" in listing.stdout


def test_too_many_failures_end_in_failed(engine, config_dir, slack) -> None:
    edit_config(config_dir, "notifications.yaml", {"dispatch": {"max_attempts": 2}})
    settings = slack_settings(config_dir, slack)
    slack.script["chat.postMessage"] = [(500, {"ok": False}, {})] * 2
    with transaction(session_factory(engine)) as session:
        enqueue(session, key="k1", channel="slack", recipient="#press", payload=TestAlert(message="hi"))
    dispatcher(engine, settings, T0).run()
    assert dispatcher(engine, settings, T0 + HOUR).run().failed == 1
    assert rows(engine)[0].state == "failed"


def test_a_crash_between_send_and_mark_does_not_post_twice(engine, config_dir, slack, monkeypatch) -> None:
    settings = slack_settings(config_dir, slack)
    with transaction(session_factory(engine)) as session:
        enqueue(session, key="k1", channel="slack", recipient="#press", payload=TestAlert(message="hi"))
    crashing = dispatcher(engine, settings, T0)
    real_finish = crashing._finish

    def killed(row_id, state, **kwargs):
        if state == "sent":
            raise KeyboardInterrupt("killed after Slack answered, before the row was marked")
        return real_finish(row_id, state, **kwargs)

    monkeypatch.setattr(crashing, "_finish", killed)
    with pytest.raises(KeyboardInterrupt):
        crashing.run()
    assert rows(engine)[0].state == "sending"
    assert dispatcher(engine, settings, T0 + timedelta(seconds=60)).run().sent == 0  # lease not over yet
    after = dispatcher(engine, settings, T0 + timedelta(seconds=121)).run()
    assert (after.recovered, after.sent) == (1, 0)
    assert len(slack.posts()) == 1
    (row,) = rows(engine)
    assert row.state == "sent" and row.external_ref == f"C0PRESSROOM/{slack.messages['C0PRESSROOM'][0]['ts']}"


def test_an_in_doubt_alert_that_never_reached_slack_is_sent(engine, config_dir, slack, monkeypatch) -> None:
    settings = slack_settings(config_dir, slack)
    with transaction(session_factory(engine)) as session:
        enqueue(session, key="k1", channel="slack", recipient="#press", payload=TestAlert(message="hi"))
    crashing = dispatcher(engine, settings, T0)

    def killed_before_sending(*args, **kwargs):
        raise KeyboardInterrupt("killed before the call")

    monkeypatch.setattr(crashing.transports.by_channel["slack"], "send", killed_before_sending)
    with pytest.raises(KeyboardInterrupt):
        crashing.run()
    result = dispatcher(engine, settings, T0 + timedelta(seconds=121)).run()
    assert result.sent == 1 and len(slack.posts()) == 1


def test_a_milestone_met_before_sending_cancels_the_warning(engine, config_dir, slack) -> None:
    settings = slack_settings(config_dir, slack)
    open_case(engine, settings, critical=False)
    dispatcher(engine, settings, T0 + HOUR).run()
    check_clocks(session_factory(engine), Responder(settings), lambda: T0 + 25 * HOUR)
    with transaction(session_factory(engine)) as session:
        record_response(session, session.scalars(select(Case)).one(), "wang", T0 + 25 * HOUR, T0 + 25 * HOUR)
    result = dispatcher(engine, settings, T0 + 25 * HOUR).run()
    assert result.cancelled == 2 and result.sent == 0  # the body's warning and the duty channel's
    assert [r.state for r in rows(engine) if r.kind == "warning"] == ["cancelled", "cancelled"]


def test_the_default_slack_channel_is_the_duty_channel_when_home_names_none(engine, config_dir, slack) -> None:
    edit_config(config_dir, "organisations.yaml", lambda c: c["home"].pop("channels"))
    settings = slack_settings(config_dir, slack, YUQING_SLACK_DEFAULT_CHANNEL="#press")
    open_case(engine, settings)
    dispatcher(engine, settings, T0 + HOUR).run()
    assert sorted(p["channel"] for p in slack.posts()) == ["#press", "#zhejiang-gov", "#zhejiang-propaganda"]


def test_the_home_duty_channel_comes_before_the_default_slack_channel(engine, config_dir, slack) -> None:
    settings = slack_settings(config_dir, slack, YUQING_SLACK_DEFAULT_CHANNEL="#press")
    open_case(engine, settings)
    dispatcher(engine, settings, T0 + HOUR).run()
    assert sorted(p["channel"] for p in slack.posts()) == ["#lishui-duty", "#zhejiang-gov", "#zhejiang-propaganda"]


def test_without_any_transport_alerts_are_logged_and_kept_then_retried(engine, config_dir, slack, caplog) -> None:
    settings = settings_for(config_dir)
    open_case(engine, settings)
    result = dispatcher(engine, settings, T0 + HOUR).run()
    assert result.logged == 3 and result.sent == 0  # Slack channels without a token
    assert "浙江省应急管理部门" in caplog.text
    assert [r.state for r in rows(engine)] == ["logged"] * 3
    with transaction(session_factory(engine)) as session:
        assert len(requeue(session, settings, None, T0 + 2 * HOUR)) == 3
    configured = slack_settings(config_dir, slack)
    assert dispatcher(engine, configured, T0 + 2 * HOUR).run().sent == 3
    assert sorted(p["channel"] for p in slack.posts()) == ["#lishui-duty", "#zhejiang-gov", "#zhejiang-propaganda"]


def test_an_alert_with_no_channel_at_all_is_logged_not_sent_and_retry_sends_it_once_there_is_one(
    engine, config_dir, slack, cli
) -> None:
    edit_config(config_dir, "organisations.yaml", lambda c: c["home"].pop("channels"))  # no duty channel either
    settings = settings_for(config_dir)
    open_case(engine, settings)
    assert dispatcher(engine, settings, T0 + HOUR).run().logged == 3
    by_recipient = {r.recipient: r for r in rows(engine)}
    assert by_recipient["log"].state == "logged"  # the lead, 浙江省应急管理部门, has no channel: only the log heard
    listing = cli("alerts", "list").stdout.splitlines()
    logged = "仅写入日志，配置通道后可用 yuqing alerts retry 重发"
    assert [line.split("\t")[1:4] for line in listing] == [  # newest first
        [logged, "新案件", "slack:#zhejiang-propaganda"],
        [logged, "新案件", "slack:#zhejiang-gov"],
        [logged, "新案件", "log:log"],
    ]
    assert [line.split("\t")[-1] for line in listing] == ["slack通道未配置", "slack通道未配置", "没有告警通道"]

    edit_config(config_dir, "organisations.yaml", lambda c: c["home"].update(channels={"slack": "#lishui-duty"}))
    cli.env.update(SLACK_BOT_TOKEN="xoxb-test", YUQING_SLACK_BASE_URL=slack.url)
    retried = cli("alerts", "retry")
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.startswith("3 sent")
    assert sorted(p["channel"] for p in slack.posts()) == ["#lishui-duty", "#zhejiang-gov", "#zhejiang-propaganda"]
    handed_on = cli("alerts", "list").stdout.splitlines()
    assert handed_on[-1].split("\t")[1:4] == ["已取消", "新案件", "log:log"]
    assert handed_on[-1].endswith("改由slack:#lishui-duty发送")
    assert handed_on[0].split("\t")[1:4] == ["已送达", "新案件", "slack:#lishui-duty"]
    assert cli("alerts", "retry").returncode == 1  # nothing left to retry


def test_two_dispatchers_deliver_each_alert_once(engine, config_dir, slack) -> None:
    settings = slack_settings(config_dir, slack)
    with transaction(session_factory(engine)) as session:
        for i in range(30):
            enqueue(session, key=f"k{i}", channel="slack", recipient="#press", payload=TestAlert(message=str(i)))

    def work() -> None:
        for _ in range(3):
            dispatcher(engine, settings, T0).run()

    assert run_together(work) == []
    texts = [p["text"] for p in slack.posts()]
    assert len(texts) == 30 == len(set(texts))


def test_email_arrives_over_starttls_with_text_and_html(engine, config_dir, tmp_path) -> None:
    with smtp_server(tmp_path) as (mailbox, ca_file):
        email = {"host": "127.0.0.1", "port": mailbox.port, "sender": "yuqing@lishui.gov.cn", "ca_file": str(ca_file)}
        edit_config(config_dir, "notifications.yaml", {"email": email})
        settings = settings_for(config_dir)
        with transaction(session_factory(engine)) as session:
            enqueue(
                session,
                key="mail-1",
                channel="email",
                recipient="duty@lishui.gov.cn",
                payload=TestAlert(title="测试", message="邮件通道"),
            )
        assert dispatcher(engine, settings, T0).run().sent == 1
        (message,) = mailbox.messages
    assert message["To"] == "duty@lishui.gov.cn" and message["Subject"] == "【测试】测试"
    assert message.get_body("plain").get_content().startswith("【测试】测试")
    assert "<h3>" in message.get_body("html").get_content()
    assert message["Message-ID"] == f"<{hashlib.sha256(b'mail-1|email:duty@lishui.gov.cn').hexdigest()[:32]}@yuqing>"


def test_a_signed_generic_webhook_carries_the_alert(engine, config_dir) -> None:
    with webhook_receiver() as receiver:
        webhook = {"name": "ops", "url": receiver.url, "secret_env": "OPS_SECRET"}
        edit_config(config_dir, "notifications.yaml", {"webhooks": [webhook]})
        settings = settings_for(config_dir, OPS_SECRET="s3")
        with transaction(session_factory(engine)) as session:
            enqueue(session, key="w1", channel="webhook", recipient="ops", payload=TestAlert(message="hi"))
        receiver.statuses = [503]
        assert dispatcher(engine, settings, T0).run().retried == 1
        assert dispatcher(engine, settings, T0 + HOUR).run().sent == 1
        request = receiver.requests[-1]
    body = json.loads(request["body"])
    assert body["key"] == "w1|webhook:ops" and body["alert"]["message"] == "hi"
    stamp = request["headers"]["X-Yuqing-Timestamp"]
    expected = hmac.new(b"s3", stamp.encode() + b"." + request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Yuqing-Signature"] == f"sha256={expected}"
    assert request["headers"]["X-Yuqing-Delivery"] == "w1|webhook:ops"


def test_a_dingtalk_robot_gets_markdown_and_a_signed_url(engine, config_dir) -> None:
    with webhook_receiver() as receiver:
        receiver.reply = {"errcode": 0, "errmsg": "ok"}
        webhook = {"name": "ding", "url": f"{receiver.url}?access_token=t", "style": "dingtalk", "secret_env": "DING"}
        edit_config(config_dir, "notifications.yaml", {"webhooks": [webhook]})
        settings = settings_for(config_dir, DING="SECxyz")
        with transaction(session_factory(engine)) as session:
            enqueue(session, key="d1", channel="webhook", recipient="ding", payload=TestAlert(message="hi"))
        assert dispatcher(engine, settings, T0).run().sent == 1
        request = receiver.requests[0]
    body = json.loads(request["body"])
    assert body["msgtype"] == "markdown" and "hi" in body["markdown"]["text"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(request["path"]).query))
    digest = hmac.new(b"SECxyz", f"{query['timestamp']}\nSECxyz".encode(), hashlib.sha256).digest()
    assert query["sign"] == base64.b64encode(digest).decode()


def test_alerts_test_command_sends_through_slack(cli, slack) -> None:
    cli.env.update(SLACK_BOT_TOKEN="xoxb-test", YUQING_SLACK_BASE_URL=slack.url)
    assert cli("db", "upgrade").returncode == 0
    result = cli("alerts", "test", "slack:#press")
    assert result.returncode == 0, result.stderr
    assert slack.posts()[0]["channel"] == "#press"
    assert cli("alerts", "test", "log").returncode == 0  # the log is where a test to the log arrives
    bad = cli("alerts", "test", "pager:123")
    assert bad.returncode == 1 and "expected one of" in bad.stderr


HOOK = {"slack_webhook_env": "LIANDU_HOOK"}


def set_channels(organisations: dict, adcode: str, domain: str, channels: dict) -> None:
    (body,) = [b for b in organisations["bodies"] if (b["adcode"], b["domain"]) == (adcode, domain)]
    body["channels"] = channels


def test_a_body_can_use_a_slack_incoming_webhook(engine, config_dir) -> None:
    with webhook_receiver() as receiver:
        edit_config(config_dir, "organisations.yaml", lambda c: set_channels(c, "331102", "environment", HOOK))
        settings = settings_for(config_dir, LIANDU_HOOK=receiver.url)
        open_case(engine, settings, critical=False)
        result = dispatcher(engine, settings, T0 + HOUR).run()
        (request,) = receiver.requests
    assert result.sent == 1 and result.logged == 3  # the coordinators' and the duty Slack channels have no token here
    body = json.loads(request["body"])
    assert "丽水市生态环境局莲都分局" in json.dumps(body["blocks"], ensure_ascii=False)
    assert body["text"].startswith("【新案件】")
