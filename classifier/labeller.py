"""Label posts: DOMAIN.md §1-§4 and §6 for each post, from the trained models, the rules and the schemes.

The models decide category, handling and domains; rules decide what rules can decide better: severity from the
figures and wording (thresholds in config), priority from category and severity, regions from the division
table, and a post the model files as `other` that states people dead or missing is an emergency. Monitoring
schemes then set a category or raise a priority, and the explanation says which did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from classifier.corpus import analysis_text
from classifier.figures import Figures, read_figures
from classifier.model import Models, frame
from classifier.regions import RegionMatcher
from classifier.schemes import apply_schemes, compile_schemes, decide
from classifier.severity import severity_of
from classifier.tokens import segmenter
from yuqing.records import Casualties, PostIn, PostLabels
from yuqing.settings import Settings
from yuqing.text import simplified
from yuqing.vocabulary import Category, priority_of


def category_from_figures(model_category: str, figures: Figures) -> str:
    """A post that states people dead or missing is on the collection-priority list: the model's `other` becomes
    `emergency` (DOMAIN.md §1: a real incident with casualties is an emergency), so that its figures give the level
    (issue 13: 19名…牺牲 was read as 19 dead, filed as `other`, and had no severity). The other categories stand:
    their tie-breaks outrank the casualties (a refuted claim is a rumour, poisoned food is moral)."""
    if model_category == Category.OTHER and (figures.deaths or figures.missing):
        return Category.EMERGENCY.value
    return model_category


@dataclass(frozen=True)
class Labelled:
    labels: PostLabels  # exactly DOMAIN.md §7's classify line
    explanation: dict[str, Any]
    model_version: str


class Classifier:
    def __init__(self, models: Models, settings: Settings) -> None:
        self.models = models
        self.settings = settings
        self.version = models.meta["version"]
        self.regions = RegionMatcher.default()
        self.schemes = compile_schemes(settings.schemes)
        self.segment = segmenter(settings.dictionary_file).cut

    @classmethod
    def load(cls, settings: Settings) -> Classifier:
        return cls(Models.load(settings.model_file), settings)

    def label(self, posts: Sequence[PostIn], explain: bool = True) -> list[Labelled]:
        """Label a batch; `explain=False` skips the strongest-feature search, which only stored labels show."""
        if not posts:
            return []
        texts = [analysis_text(p.title, p.text) for p in posts]
        matrix = self.models.features.transform(frame(texts, [self.segment(t) for t in texts]))
        category_probabilities = self.models.category.predict_proba(matrix)
        classes = list(self.models.category.classes_)
        handling = self.models.handling.predict(matrix)
        domains = self.models.domains_for(matrix)
        critical = self.settings.categories.critical_severities
        results = []
        for row, post in enumerate(posts):
            text = texts[row]
            best = int(category_probabilities[row].argmax())
            model_category, confidence = str(classes[best]), float(category_probabilities[row][best])
            hits = apply_schemes(self.schemes, simplified(post.title), simplified(post.text))
            figures = read_figures(text)
            ruled = category_from_figures(model_category, figures)
            category, _ = decide(ruled, "low", hits)
            severity = severity_of(figures, text, self.settings.categories) if category == "emergency" else None
            _, priority = decide(category, priority_of(category, severity, critical), hits)
            concern = category != "other"
            labels = PostLabels(
                id=post.id,
                category=category,
                priority=priority,
                severity=severity,
                handling=str(handling[row]) if concern else None,
                domains=[str(d) for d, _ in domains[row]] if concern else [],
                regions=self.regions.find(text),
                confidence=round(confidence, 4),
                casualties=Casualties(deaths=figures.deaths, injuries=figures.injuries),
            )
            explanation = {
                "model_category": model_category,
                "category_from_figures": ruled != model_category,
                "schemes": [hit.name for hit in hits],
                "features": self.models.strongest_features(matrix[row], model_category) if explain else [],
                "figures": {k: v for k, v in vars(figures).items() if v is not None},
            }
            results.append(Labelled(labels, explanation, self.version))
        return results
