"""The responsible body (DOMAIN.md §6): its worked examples first, then the rules one by one."""

from pathlib import Path

import pytest
from support.config import edit_config

from responder.assignment import AssignmentRules, assign
from yuqing.records import EventIn
from yuqing.settings import load_settings

T0 = "2026-11-18T09:30:00+08:00"


@pytest.fixture(scope="module")
def rules() -> AssignmentRules:
    return AssignmentRules.from_settings(load_settings({"YUQING_CONFIG": str(Path("config").resolve())}))


def run(rules: AssignmentRules, **event) -> dict:
    event.setdefault("id", "e")
    event.setdefault("t0", T0)
    return assign(EventIn.model_validate(event), rules).model_dump(mode="json")


def bodies(items: list[dict]) -> list[str]:
    return [f"{b['adcode']} {b['domain']}" for b in items]


def test_worked_example_county_environment(rules) -> None:
    out = run(rules, category="public_interest", regions=["331102"], domains=["environment"])
    assert out["level"] == "county"
    assert bodies([out["lead"]]) == ["331102 environment"]
    assert bodies(out["coordinators"]) == ["331102 government", "331102 propaganda"]
    assert out["deadlines"] == {"release": None, "press_conference": None, "respond": "2026-11-20T09:30:00+08:00"}
    assert out["rules"] == [3, 8]


def test_worked_example_severity_II_raised_to_province(rules) -> None:
    out = run(rules, category="emergency", severity="II", regions=["152530"], domains=["emergency_management"])
    assert out["level"] == "province"
    assert bodies([out["lead"]]) == ["150000 emergency_management"]
    assert bodies(out["coordinators"]) == ["150000 government", "150000 propaganda"]
    assert bodies(out["responders"]) == ["150000 emergency_management", "152530 emergency_management"]
    assert out["deadlines"] == {
        "release": "2026-11-18T14:30:00+08:00",
        "press_conference": "2026-11-19T09:30:00+08:00",
        "respond": None,
    }
    assert out["rules"] == [3, 8, 10]
    assert out["principal_leader"] is False


def test_worked_example_rumor_across_two_cities_of_a_province(rules) -> None:
    out = run(rules, category="rumor", handling="false_info", regions=["530102", "532901"], domains=["public_security"])
    assert out["level"] == "province"
    assert bodies([out["lead"]]) == ["530000 public_security"]
    assert bodies(out["coordinators"]) == [
        "530000 government",
        "530000 propaganda",
        "530000 public_security",
        "530000 cyberspace",
    ]
    assert bodies(out["responders"]) == ["530000 public_security", "530102 public_security", "532901 public_security"]
    assert out["deadlines"]["respond"] == "2026-11-20T09:30:00+08:00"
    assert out["rules"] == [4, 8, 9]


def test_worked_example_vertical_taxation(rules) -> None:
    out = run(rules, category="public_interest", regions=["331102"], domains=["taxation"])
    assert out["level"] == "county"
    assert bodies([out["lead"]]) == ["331102 taxation"]
    assert bodies(out["coordinators"]) == ["331100 taxation", "331102 propaganda"]
    assert out["rules"] == [3, 6]


def test_two_counties_of_one_city_go_to_the_city(rules) -> None:
    out = run(rules, category="public_interest", regions=["331102", "331121"], domains=["water_resources"])
    assert out["level"] == "city"
    assert bodies([out["lead"]]) == ["331100 water_resources"]
    assert bodies(out["responders"]) == ["331100 water_resources", "331102 water_resources", "331121 water_resources"]
    assert out["rules"] == [4, 8]


def test_two_provinces_go_to_the_national_department(rules) -> None:
    out = run(
        rules,
        category="moral",
        handling="major_issue",
        regions=["371302", "320106"],
        domains=["market_regulation", "health"],
    )
    assert out["level"] == "national"
    assert bodies([out["lead"]]) == ["000000 market_regulation"]
    assert bodies(out["responders"]) == [
        "000000 market_regulation",
        "000000 health",
        "371302 market_regulation",
        "320106 market_regulation",
    ]
    assert bodies(out["coordinators"]) == ["000000 government", "000000 propaganda"]
    assert out["rules"] == [4, 5, 8]


def test_a_city_and_a_county_inside_it(rules) -> None:
    out = run(rules, category="credibility", regions=["410200", "410202"], domains=["civil_affairs", "discipline"])
    assert bodies([out["lead"]]) == ["410200 civil_affairs"]
    assert bodies(out["responders"]) == ["410200 civil_affairs", "410200 discipline", "410202 civil_affairs"]
    assert out["rules"] == [4, 5, 8]


def test_national_policy_goes_to_the_state_council_department(rules) -> None:
    out = run(rules, category="policy", policy_level="national", handling="unclear", domains=["human_resources"])
    assert out["level"] == "national"
    assert bodies([out["lead"]]) == ["000000 human_resources"]
    assert bodies(out["coordinators"]) == ["000000 government", "000000 propaganda"]
    assert out["rules"] == [2, 8]


def test_provincial_policy_goes_to_the_province_of_its_regions(rules) -> None:
    out = run(rules, category="policy", policy_level="province", regions=["330000"], domains=["housing"])
    assert bodies([out["lead"]]) == ["330000 housing"]
    assert out["level"] == "province"
    assert out["rules"] == [2, 8]


def test_provincial_policy_named_by_a_county_still_goes_to_the_province(rules) -> None:
    out = run(rules, category="policy", policy_level="province", regions=["130102"], domains=["education"])
    assert bodies([out["lead"]]) == ["130000 education"]
    assert bodies(out["responders"]) == ["130000 education", "130102 education"]


def test_provincial_policy_without_regions_uses_the_home_province(rules) -> None:
    out = run(rules, category="policy", policy_level="province", domains=["health"])
    assert bodies([out["lead"]]) == ["330000 health"]
    assert out["rules"] == [2, 8]


def test_no_region_falls_back_to_home(rules) -> None:
    out = run(rules, category="public_interest", handling="difficulty", domains=["human_resources"])
    assert bodies([out["lead"]]) == ["331100 human_resources"]
    assert out["level"] == "city"
    assert out["rules"] == [8, 11]


def test_no_domain_means_the_government_answers(rules) -> None:
    out = run(rules, category="credibility", regions=["331102"])
    assert bodies([out["lead"]]) == ["331102 government"]
    assert bodies(out["responders"]) == ["331102 government"]


def test_severity_I_raises_to_province_and_calls_the_principal_leader(rules) -> None:
    out = run(rules, category="emergency", severity="I", regions=["520525"], domains=["emergency_management"])
    assert bodies([out["lead"]]) == ["520000 emergency_management"]
    assert out["principal_leader"] is True
    assert out["rules"] == [3, 7, 8, 10]
    assert out["deadlines"]["release"] == "2026-11-18T14:30:00+08:00"


def test_severity_III_raises_a_county_to_its_city_only(rules) -> None:
    out = run(rules, category="emergency", severity="III", regions=["520525"], domains=["emergency_management"])
    assert out["level"] == "city"
    assert bodies([out["lead"]]) == ["520500 emergency_management"]
    assert out["rules"] == [3, 8, 10]
    assert out["deadlines"] == {"release": None, "press_conference": None, "respond": "2026-11-20T09:30:00+08:00"}


def test_severity_that_does_not_raise_does_not_list_rule_10(rules) -> None:
    out = run(rules, category="emergency", severity="III", regions=["331100"], domains=["emergency_management"])
    assert out["rules"] == [3, 8]
    out = run(rules, category="emergency", severity="IV", regions=["331102"], domains=["emergency_management"])
    assert out["level"] == "county"
    assert out["rules"] == [3, 8]


def test_vertical_domain_after_a_raise_is_coordinated_from_above_the_raised_level(rules) -> None:
    out = run(
        rules, category="emergency", severity="II", regions=["331102"], domains=["meteorology", "water_resources"]
    )
    assert bodies([out["lead"]]) == ["330000 meteorology"]
    assert bodies(out["coordinators"]) == ["000000 meteorology", "330000 propaganda"]
    assert out["rules"] == [3, 5, 6, 10]


def test_vertical_domain_at_national_level_is_coordinated_by_itself(rules) -> None:
    out = run(
        rules,
        category="rumor",
        handling="false_info",
        policy_level="national",
        domains=["financial_regulation", "public_security"],
    )
    assert bodies(out["coordinators"]) == [
        "000000 financial_regulation",
        "000000 propaganda",
        "000000 public_security",
        "000000 cyberspace",
    ]
    assert out["rules"] == [2, 5, 6, 9]


def test_duplicates_are_removed_first_occurrence_wins(rules) -> None:
    out = run(
        rules,
        category="public_interest",
        regions=["331102", "331102"],
        domains=["housing", "housing", "urban_management"],
    )
    assert bodies(out["responders"]) == ["331102 housing", "331102 urban_management"]
    assert out["rules"] == [3, 5, 8]


def test_one_domain_repeated_is_not_several_departments(rules) -> None:
    out = run(rules, category="public_interest", regions=["331102"], domains=["housing", "housing"])
    assert 5 not in out["rules"]


def test_districts_of_a_municipality_go_to_the_municipality(rules) -> None:
    out = run(rules, category="public_interest", regions=["110105", "110108"], domains=["transport"])
    assert out["level"] == "province"
    assert bodies([out["lead"]]) == ["110000 transport"]


def test_other_has_no_deadlines(rules) -> None:
    out = run(rules, category="other", regions=["350203"])
    assert out["deadlines"] == {"release": None, "press_conference": None, "respond": None}


def test_emergency_without_severity_is_high_not_critical(rules) -> None:
    out = run(rules, category="emergency", regions=["331102"], domains=["emergency_management"])
    assert out["deadlines"]["respond"] == "2026-11-20T09:30:00+08:00"
    assert out["deadlines"]["release"] is None


def test_t0_keeps_its_offset_and_a_naive_t0_is_read_in_local_time(rules) -> None:
    out = run(rules, category="credibility", regions=["331102"], t0="2026-11-18T01:30:00Z")
    assert out["deadlines"]["respond"] == "2026-11-20T01:30:00Z"
    out = run(rules, category="credibility", regions=["331102"], t0="2026-11-18T09:30:00")
    assert out["deadlines"]["respond"] == "2026-11-20T09:30:00+08:00"


def test_without_t0_the_deadlines_are_null(rules) -> None:
    out = assign(EventIn.model_validate({"id": "x", "category": "emergency", "severity": "I"}), rules)
    assert out.deadlines.model_dump() == {"release": None, "press_conference": None, "respond": None}


def test_configured_hours_drive_the_deadlines(config_dir: Path) -> None:
    edit_config(config_dir, "timers.yaml", {"critical": {"release_hours": 3}})
    rules = AssignmentRules.from_settings(load_settings({"YUQING_CONFIG": str(config_dir)}))
    out = run(rules, category="emergency", severity="I", regions=["331102"])
    assert out["deadlines"]["release"] == "2026-11-18T12:30:00+08:00"


def test_output_fields_are_exactly_the_interface(rules) -> None:
    out = run(rules, category="policy")
    assert list(out) == ["id", "level", "lead", "responders", "coordinators", "principal_leader", "rules", "deadlines"]
