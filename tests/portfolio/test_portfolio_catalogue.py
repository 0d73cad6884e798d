"""The measures catalogue: every row of the agenda's table is in it; bad entries get clear errors."""

import copy
import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import SHARED
from railcap.data.measures import EMBEDDED_CATALOGUE, catalogue_from_dict, load_catalogue
from railcap.model.errors import InputFileError, ValidationError
from railcap.model.measures import Funding
from railcap.portfolio.samples import demo_catalogue_dict, demo_portfolio_demand, demo_portfolio_network

HERE = Path(__file__).parent
SEED = SHARED.parent / "seeds" / "004_cede189dfeb7ed26.txt"
COVER = re.compile(r"(Reeds gedekt|Onderzoeksbudget|Nader te bepalen\.?|N\.v\.t\.|N\.t\.b\.|€ ?\d+ mln\.)\s*$")
FUNDING = {"Reeds gedekt": "already_funded", "Onderzoeksbudget": "research_budget", "Nader te bepalen": "to_be_decided",
           "N.t.b.": "to_be_decided", "N.v.t.": "not_applicable"}


def agenda_rows(text: str) -> list[tuple[int, str, str]]:
    """(priority, measure, coverage) for every row of the table; a row may wrap over lines."""
    rows, priority, pending = [], 0, ""
    body = text[text.index("Maatregel Benodigde dekking"):].splitlines()[1:]
    for line in (x.strip() for x in body):
        if not line:
            continue
        head = re.match(r"Beleidsprioriteit (\d):", line)
        if head:
            priority, pending = int(head.group(1)), ""
            continue
        m = COVER.search(line)
        if not m:
            pending = f"{pending} {line}".strip()
            continue
        name = f"{pending} {line[:m.start()].strip()}".strip()
        rows.append((priority, name, m.group(1).rstrip(".") if "Nader" in m.group(1) else m.group(1)))
        pending = ""
    return rows


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("’", "'")).strip().rstrip(".").lower()


def _check_against(rows):
    doc = yaml.safe_load(EMBEDDED_CATALOGUE.read_text(encoding="utf-8"))
    by_row = {_norm(m["agenda_row"]): m for m in doc["measures"] if m.get("agenda_row")}
    assert len(rows) == 31
    assert [sum(1 for p, _, _ in rows if p == k) for k in range(1, 6)] == [3, 8, 8, 4, 8]
    assert len(by_row) == len(rows), "every agenda entry in the catalogue is one row of the table"
    for priority, name, cover in rows:
        m = by_row.get(_norm(name))
        assert m is not None, f"agenda row missing from the catalogue: {name!r}"
        assert m["priority"] == priority, name
        if cover.startswith("€"):
            amount = float(re.search(r"\d+", cover).group()) * 1e6
            assert m["funding"] == "costed" and m["investment_eur"] == amount, name
        else:
            assert m["funding"] == FUNDING[cover], name


def test_every_row_of_the_agenda_table_is_in_the_catalogue():
    _check_against(agenda_rows((HERE / "agenda_table_004.txt").read_text(encoding="utf-8")))


@pytest.mark.fullscale
@pytest.mark.skipif(not SEED.exists(), reason="../shared is not present")
def test_every_row_of_the_seed_itself():
    _check_against(agenda_rows(SEED.read_text(encoding="utf-8")))


def test_embedded_catalogue_reads_against_the_dutch_network():
    import json

    from railcap.portfolio.edits import resolve
    from railcap.resilience.demand import demand_from_dict
    from railcap.services.resilience import demand_file, dutch_network

    net = dutch_network()
    d = demand_from_dict(json.loads(demand_file().read_text(encoding="utf-8")), net)
    cat = resolve(load_catalogue(None, net, d.train_types), net)
    starter = [m for m in cat.measures.values() if "starter_package" in m.tags]
    assert len(starter) >= 10 and all(m.candidate and m.modelled for m in starter)
    assert all("[verify]" in m.source for m in starter), "estimated costs say so"
    for m in cat.measures.values():
        assert m.source, m.id
        assert m.modelled or m.not_modelled, m.id
        if m.funding == Funding.COSTED:
            assert m.reserve_eur == pytest.approx(0.2 * m.investment_eur)
    assert cat.programme.budget_eur == 600e6 and cat.programme.reserve_share == 0.2
    assert {"low", "high"} <= set(cat.demand_scenarios)
    assert {"gestage-ontwikkeling", "maximale-ontwikkeling"} == set(cat.policies)


def _problems(doc):
    net = demo_portfolio_network()
    with pytest.raises(ValidationError) as exc:
        catalogue_from_dict(doc, net, demo_portfolio_demand(net).train_types)
    return [str(p) for p in exc.value.problems]


def test_bad_entries_name_the_measure_and_the_field():
    doc = copy.deepcopy(demo_catalogue_dict())
    ms = {m["id"]: m for m in doc["measures"]}
    ms["zuid-740"]["investment_eur"] = -5e6
    ms["gauge-b-a"]["effects"][0]["section"]["route"] = ["kazerne", "nowhere"]
    ms["laadspoor"]["requires"] = ["no-such-measure"]
    ms["etcs-b"]["requires"] = ["viersporig"]
    ms["viersporig"]["requires"] = ["snelheid"]
    ms["snelheid"]["requires"] = ["etcs-b"]
    ms["prikkel"]["effects"][0]["demand"]["train_type"] = "zeppelin"
    ms["terminal-ontsluiting"]["effects"][0]["section"]["set"]["loading_gauge"] = "XXL"
    ms["tweede-havenlijn"]["effects"][0]["new_section"]["like"] = "no-section"
    probs = _problems(doc)
    text = "\n".join(probs)
    assert "measure 'zuid-740': field 'investment_eur': must be ≥ 0, got -5000000.0" in probs
    assert "measure 'gauge-b-a': field 'effects[0].section.route': no operational point called 'nowhere'" in text
    assert "measure 'laadspoor': field 'requires': no measure called 'no-such-measure' in the catalogue" in probs
    assert "dependency cycle etcs-b -> viersporig -> snelheid -> etcs-b" in text
    assert "measure 'prikkel': field 'effects[0].demand.train_type': unknown train type 'zeppelin'" in text
    assert "field 'effects[0].section.set.loading_gauge': loading_gauge must be one of" in text
    assert "measure 'tweede-havenlijn': field 'effects[0].new_section.like': no section called 'no-section'" in probs


def test_budget_smaller_than_the_reserve():
    doc = copy.deepcopy(demo_catalogue_dict())
    doc["programme"]["reserve_eur"] = 200e6
    assert _problems(doc) == ["programme: field 'budget_eur': EUR 150.0 M is smaller than the reserve of "
                              "EUR 200.0 M it must keep"]


def test_schema_errors_and_unreadable_files(tmp_path):
    doc = copy.deepcopy(demo_catalogue_dict())
    doc["measures"][0]["colour"] = "blue"
    doc["measures"][1]["funding"] = "free"
    probs = _problems(doc)
    assert any(p.startswith("measure 'zuid-740': field 'colour'") for p in probs)
    assert any(p.startswith("measure 'gauge-b-a': field 'funding'") for p in probs)
    bad = tmp_path / "m.yaml"
    bad.write_text("measures: [\n  - id: x\n    name: [unclosed\n")
    net = demo_portfolio_network()
    with pytest.raises(InputFileError) as exc:
        load_catalogue(bad, net, [])
    assert "not valid YAML" in str(exc.value)


def test_a_costed_measure_needs_an_amount_and_an_unmodelled_one_a_reason():
    doc = copy.deepcopy(demo_catalogue_dict())
    doc["measures"][0].pop("investment_eur")
    doc["measures"][-1].pop("not_modelled")
    probs = _problems(doc)
    assert "measure 'zuid-740': field 'investment_eur': a costed measure needs an investment > 0" in probs
    assert "measure 'studie': field 'not_modelled': a measure without effects must say why (a study, …)" in probs
