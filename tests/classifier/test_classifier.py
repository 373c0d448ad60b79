"""The classifier end to end: the command's interface, training, the model file's guard, the service job."""

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier import model as model_module
from classifier.corpus import Example, read_corpus, split_of
from classifier.figures import Figures
from classifier.labeller import Classifier, category_from_figures
from classifier.model import ModelError, Models, library_versions
from classifier.service import label_new_posts
from classifier.training import fit, version
from yuqing.records import PostIn
from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Label, Post

SETTINGS = load_settings()
CORPUS, DICTIONARY = SETTINGS.corpus_dir, SETTINGS.dictionary_file

FIELDS = ["id", "category", "priority", "severity", "handling", "domains", "regions", "confidence", "casualties"]


def test_classify_writes_one_line_per_input_in_order_with_exactly_the_interface_fields(cli, trained_model) -> None:
    cli.env["YUQING_MODEL"] = str(trained_model)
    posts = [
        {
            "id": "a",
            "title": "贵州毕节一煤矿发生透水事故",
            "text": "11月18日凌晨，贵州省毕节市纳雍县一煤矿发生透水事故，"
            "井下12人被困。截至目前已确认12人死亡，救援工作正在进行。",
            "source": "news",
        },
        {"id": 2, "text": "昨晚主队第三节一波14比0的爆发直接打崩对手，那个三分绝杀我在现场喊到失声！#CBA#"},
        {
            "id": "c",
            "text": "紧急扩散！南昌某农商银行资金链断裂，下周一起停止兑付，存款超过五万的赶紧去取！消息来自内部员工！",
        },
    ]
    result = cli("classify", input="\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 2, "c"]
    assert all(list(line) == FIELDS for line in lines)
    mine, match, rumour = lines
    assert (mine["category"], mine["severity"], mine["priority"]) == ("emergency", "II", "critical")
    assert mine["regions"] == ["520525"] and mine["casualties"] == {"deaths": 12, "injuries": None}
    assert mine["domains"][0] == "emergency_management"
    assert (match["category"], match["priority"], match["handling"], match["domains"]) == ("other", "low", None, [])
    assert rumour["category"] == "rumor" and rumour["handling"] == "false_info"
    assert 0 < mine["confidence"] <= 1


def test_classify_reports_bad_lines_and_still_labels_the_rest(cli, trained_model) -> None:
    cli.env["YUQING_MODEL"] = str(trained_model)
    result = cli("classify", input='{"id": "x", "text": "丽水市莲都区停水三天"}\n{"id": "y"}\nnot json\n')
    assert result.returncode == 2
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["x"]
    assert result.stderr.splitlines()[0].startswith("stdin:2: text: missing")
    assert result.stderr.splitlines()[1].startswith("stdin:3: not valid JSON")


def test_classify_without_a_model_says_how_to_build_one(cli, tmp_path) -> None:
    cli.env["YUQING_MODEL"] = str(tmp_path / "none.joblib")
    result = cli("classify", input='{"id": "x", "text": "丽水"}\n')
    assert result.returncode == 1
    assert "run `yuqing train`" in result.stderr


def test_a_model_built_with_other_library_versions_is_refused(trained_model, tmp_path) -> None:
    models = Models.load(trained_model)
    models.meta = {**models.meta, "versions": {**models.meta["versions"], "scikit-learn": "0.1"}}
    stale = tmp_path / "stale.joblib"
    models.save(stale)
    with pytest.raises(ModelError, match=r"built with scikit-learn 0\.1 \(installed .*\); run `yuqing train`"):
        Models.load(stale)


def test_a_model_built_under_another_python_is_refused(trained_model, tmp_path) -> None:
    models = Models.load(trained_model)
    other = f"3.{sys.version_info.minor + 1}.0"
    models.meta = {**models.meta, "versions": {**models.meta["versions"], "python": other}}
    stale = tmp_path / "stale.joblib"
    models.save(stale)
    here = re.escape(platform.python_version())
    with pytest.raises(ModelError, match=rf"built with python {re.escape(other)} \(installed {here}\)"):
        Models.load(stale)


def test_the_version_names_the_python_that_fitted_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = small_corpus()
    assert library_versions()["python"] == platform.python_version()
    here = version(sample)
    monkeypatch.setattr(model_module.platform, "python_version", lambda: "3.99.0")
    assert version(sample) != here


def test_train_if_stale_keeps_a_model_that_loads(cli, trained_model) -> None:
    cli.env["YUQING_MODEL"] = str(trained_model)
    before = trained_model.stat().st_mtime_ns
    result = cli("train", "--no-corrections", "--if-stale")
    assert result.returncode == 0, result.stderr
    assert "is current" in result.stdout
    assert trained_model.stat().st_mtime_ns == before


def test_train_if_stale_rebuilds_a_model_from_another_python(cli, trained_model, tmp_path) -> None:
    home = small_home(tmp_path / "home")
    models = Models.load(trained_model)
    models.meta = {**models.meta, "versions": {**models.meta["versions"], "python": "3.99.0"}}
    stale = tmp_path / "stale.joblib"
    models.save(stale)
    cli.env.update(YUQING_HOME=str(home), YUQING_MODEL=str(stale))
    result = cli("train", "--no-corrections", "--if-stale", timeout=300)
    assert result.returncode == 0, result.stderr
    assert "rebuilding" in result.stderr and "python 3.99.0" in result.stderr
    assert Models.load(stale).meta["versions"]["python"] == platform.python_version()


def small_home(home: Path) -> Path:
    """A home folder whose corpus is small_corpus's posts, so training there takes seconds."""
    (home / "data" / "corpus" / "posts").mkdir(parents=True)
    (home / "data" / "dictionary").mkdir()
    shutil.copy(DICTIONARY, home / "data" / "dictionary" / DICTIONARY.name)
    chosen = {e.id for e in small_corpus()}
    lines = [
        line
        for path in sorted(CORPUS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and str(json.loads(line)["id"]) in chosen
    ]
    (home / "data" / "corpus" / "posts" / "small.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return home


def small_corpus() -> list[Example]:
    examples = read_corpus(CORPUS)
    by_category: dict[str, list[Example]] = {}
    for example in examples:
        by_category.setdefault(example.category, []).append(example)
    return [e for group in by_category.values() for e in group[:40]]


def test_training_is_reproducible() -> None:
    sample = small_corpus()
    first, second = fit(sample, DICTIONARY), fit(list(reversed(sample)), DICTIONARY)
    assert first.meta["version"] == second.meta["version"]
    texts = [e.text for e in read_corpus(CORPUS)[:50]]
    from classifier.model import frame
    from classifier.tokens import segmenter

    data = frame(texts, [segmenter(DICTIONARY).cut(t) for t in texts])
    assert (
        first.category.predict_proba(first.features.transform(data))
        == second.category.predict_proba(second.features.transform(data))
    ).all()


def test_corrections_change_the_model_and_its_version() -> None:
    sample = small_corpus()
    fix = replace(sample[0], id="post-1", category="other", handling=None, domains=())
    assert fit(sample, DICTIONARY).meta["version"] != fit(sample, DICTIONARY, [fix]).meta["version"]


def test_the_split_is_fixed_by_the_id_in_any_process() -> None:
    ids = [f"x-{i}" for i in range(20)]
    other_process = subprocess.run(
        [sys.executable, "-c", f"from classifier.corpus import split_of; print(*map(split_of, {ids!r}))"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "random"},
    )
    assert other_process.stdout.split() == [split_of(i) for i in ids]
    shares = [split_of(e.id) for e in read_corpus(CORPUS)]
    assert 0.6 < shares.count("train") / len(shares) < 0.8


def test_the_service_labels_each_stored_post_once_per_model(engine, trained_model) -> None:
    settings = load_settings({"YUQING_CONFIG": str(Path("config").resolve()), "YUQING_MODEL": str(trained_model)})
    classifier = Classifier.load(settings)
    factory = session_factory(engine)
    with transaction(factory) as session:
        session.add(
            Post(media="weibo", title="", text="丽水市莲都区一化工厂发生爆炸，已造成3人死亡", content_hash="h1")
        )
        session.add(Post(media="weibo", text="今天的奶茶真好喝", content_hash="h2"))
    assert label_new_posts(factory, classifier).startswith("2 posts labelled")
    assert label_new_posts(factory, classifier).startswith("0 posts labelled")
    with factory() as session:
        labels = session.scalars(select(Label).order_by(Label.post_id)).all()
    assert [label.model_version for label in labels] == [classifier.version] * 2
    assert labels[0].category == "emergency" and labels[0].regions == ["331102"] and labels[0].deaths == 3
    assert labels[0].explanation["features"]


def test_labels_come_in_batches_in_order(trained_model) -> None:
    settings = load_settings({"YUQING_CONFIG": str(Path("config").resolve()), "YUQING_MODEL": str(trained_model)})
    classifier = Classifier.load(settings)
    posts = [PostIn(id=i, text=f"丽水市第{i}条消息：莲都区停水") for i in range(30)]
    assert [r.labels.id for r in classifier.label(posts)] == list(range(30))


@pytest.mark.parametrize(
    ("model_category", "figures", "category"),
    [
        ("other", Figures(deaths=19), "emergency"),  # 19名…牺牲 filed as other: the dead put it on the list
        ("other", Figures(missing=2), "emergency"),
        ("other", Figures(deaths=0, injuries=0), "other"),  # no one hurt: nothing to put it on the list
        ("other", Figures(injuries=3), "other"),
        ("rumor", Figures(deaths=3), "rumor"),  # a refuted toll stays a rumour
        ("moral", Figures(deaths=2), "moral"),
    ],
)
def test_a_post_stating_dead_or_missing_people_is_not_other(model_category, figures, category) -> None:
    assert category_from_figures(model_category, figures) == category


def test_a_read_death_figure_gives_the_level_and_the_label_keeps_the_dead_apart_from_the_missing(trained_model) -> None:
    settings = load_settings({"YUQING_CONFIG": str(Path("config").resolve()), "YUQING_MODEL": str(trained_model)})
    posts = [
        PostIn(id="hero", text="#悼念# 19名英雄在这场大火中牺牲，愿逝者安息"),
        PostIn(id="flood", text="据报道，福建某县因强降雨引发山洪，目前已造成12人死亡、47人失联。"),
    ]
    hero, flood = (r.labels for r in Classifier.load(settings).label(posts))
    assert (hero.category, hero.severity, hero.priority, hero.casualties.deaths) == ("emergency", "II", "critical", 19)
    assert (flood.severity, flood.casualties.deaths) == ("I", 12)  # 59 dead or missing give I; the dead are 12
