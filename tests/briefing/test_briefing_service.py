"""The scheduled briefing: written once across a restart, a missed morning caught up at start-up, and delivered
through the outbox to the local Slack and SMTP stand-ins (the Word file attached)."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

from docx import Document
from sqlalchemy import select
from support.briefing_seed import END
from support.config import edit_config
from support.servers import fake_slack, smtp_server, webhook_receiver

from briefing.jobs import run_briefings
from notifications.dispatcher import Dispatcher
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory
from yuqing.storage.models import Briefing, Notification


def rows(engine, model):
    with session_factory(engine)() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def test_written_once_across_a_restart_and_a_missed_morning_is_caught_up(engine, config_dir, seeded, tmp_path) -> None:
    edit_config(config_dir, "briefing.yaml", {"folder": str(tmp_path / "out")})
    settings = load_settings({"YUQING_CONFIG": str(config_dir)})
    factory = session_factory(engine)
    assert run_briefings(settings, factory, lambda: END - timedelta(minutes=1)).count("written") == 1  # the 19th's
    # The service was down at 08:00 on the 20th; it starts at 10:30: the missed morning is written.
    said = run_briefings(settings, factory, lambda: END + timedelta(hours=2, minutes=30))
    assert "舆情日报-2026-11-20: written" in said
    # Restarted (a new factory, as a new process would have): nothing is written again.
    again = run_briefings(settings, session_factory(engine), lambda: END + timedelta(hours=3))
    assert "written" not in again
    briefings = rows(engine, Briefing)
    assert [(b.period, b.period_end) for b in briefings] == [("day", END - timedelta(days=1)), ("day", END)]
    last = briefings[-1]
    assert last.figures["posts"] == 7 and last.figures["on_time"] == 1
    assert set(last.files) == {"docx", "html", "md"} and Path(last.files["docx"]).exists()
    assert last.text.startswith("# 舆情日报（2026年11月20日）")


def test_delivered_to_slack_with_the_word_file_and_by_email_with_the_html_body(engine, config_dir, seeded, tmp_path):
    with fake_slack() as slack, smtp_server(tmp_path) as (mailbox, ca_file):
        edit_config(config_dir, "briefing.yaml", {"folder": str(tmp_path / "out")})
        edit_config(
            config_dir,
            "briefing.yaml",
            lambda c: c.update(recipients={"slack": "#press", "email": ["duty@lishui.gov.cn"]}),
        )
        edit_config(
            config_dir,
            "notifications.yaml",
            {"email": {"host": "127.0.0.1", "port": mailbox.port, "ca_file": str(ca_file)}},
        )
        settings = load_settings(
            {"YUQING_CONFIG": str(config_dir), "SLACK_BOT_TOKEN": "xoxb-test", "YUQING_SLACK_BASE_URL": slack.url}
        )
        factory = session_factory(engine)
        now = END + timedelta(minutes=5)
        run_briefings(settings, factory, lambda: now)
        run_briefings(settings, factory, lambda: now + timedelta(minutes=5))  # written once, queued once
        result = Dispatcher(settings, factory, clock=lambda: now).run()
        assert result.sent == 2, result.errors
        post = slack.posts()[0]
        assert post["channel"] == "#press"
        assert "舆情日报（2026年11月20日）" in str(post["blocks"]) and "按时率33.3%" in str(post["blocks"])
        assert len(slack.uploads) == 1
        upload = next(c.params for c in slack.calls if c.method == "files.completeUploadExternal")
        assert upload["channel_id"] == "C0PRESSROOM" and upload["thread_ts"]
        word = next(iter(slack.uploads.values()))
        assert Document(io.BytesIO(word)).paragraphs[1].text == "舆情日报"
        message = mailbox.messages[0]
        assert message["Subject"] == "【舆情简报】舆情日报（2026年11月20日）"
        html = message.get_body(("html",)).get_content()
        assert "data:image/png;base64," in html and "五、舆情分布" in html
        attachments = list(message.iter_attachments())
        assert [a.get_filename() for a in attachments] == ["舆情日报-2026-11-20.docx"]
        run_briefings(settings, factory, lambda: now + timedelta(minutes=10))
        assert rows(engine, Briefing)[-1].delivered_at is not None
        assert {n.kind for n in rows(engine, Notification)} == {"briefing"}


def test_delivered_to_a_dingtalk_robot_as_markdown(engine, config_dir, seeded, tmp_path) -> None:
    with webhook_receiver() as receiver:
        receiver.reply = {"errcode": 0, "errmsg": "ok"}
        robot = {"name": "ding", "url": f"{receiver.url}?access_token=t", "style": "dingtalk"}
        edit_config(config_dir, "notifications.yaml", {"webhooks": [robot]})
        edit_config(config_dir, "briefing.yaml", {"folder": str(tmp_path / "out")})
        edit_config(config_dir, "briefing.yaml", lambda c: c.update(recipients={"webhook": "ding"}))
        settings = load_settings({"YUQING_CONFIG": str(config_dir)})
        factory = session_factory(engine)
        now = END + timedelta(minutes=5)
        run_briefings(settings, factory, lambda: now)
        result = Dispatcher(settings, factory, clock=lambda: now).run()
        assert result.sent == 1, result.errors
        body = json.loads(receiver.requests[0]["body"])
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"].startswith("【舆情简报】舆情日报（2026年11月20日）")
    text = body["markdown"]["text"]
    assert "一、舆情综述" in text and "按时率33.3%" in text and "high" not in text and "critical" not in text
