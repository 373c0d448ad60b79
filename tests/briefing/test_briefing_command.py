"""`yuqing briefing` as a person runs it."""

from __future__ import annotations

from pathlib import Path

from docx import Document


def test_the_command_writes_the_chosen_formats_for_a_date(cli, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0
    result = cli("briefing", "--date", "2026-11-20", "--format", "docx,md", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    files = [Path(line) for line in result.stdout.splitlines()]
    assert [f.name for f in files] == ["舆情日报-2026-11-20.docx", "舆情日报-2026-11-20.md"]
    assert Document(str(files[0])).paragraphs[1].text == "舆情日报"
    assert "未监测到相关帖文" in files[1].read_text(encoding="utf-8")


def test_a_weekly_briefing_and_the_default_folder(cli, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0
    result = cli("briefing", "--date", "2026-11-23", "--period", "week", "--format", "html")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == tmp_path / "data" / "briefings" / "舆情周报-2026-11-23.html"
    assert "2026年11月16日8时至11月23日8时" in path.read_text(encoding="utf-8")


def test_bad_options_are_refused_with_the_reason(cli) -> None:
    for args, said in (
        (["--date", "20/11/2026"], "--date: got '20/11/2026'; expected YYYY-MM-DD"),
        (["--period", "year"], "--period: got 'year'"),
        (["--format", "pdf"], "--format: got 'pdf'"),
    ):
        result = cli("briefing", *args)
        assert result.returncode == 1 and said in result.stderr
