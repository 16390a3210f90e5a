"""Catalogue search: full text, filters, families, facet counts, ordering and bad requests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from allonav.services.catalogue_import import import_paths
from allonav.services.catalogue_search import SearchQuery, SearchRequestError
from allonav.services.context import Context

STUDIES = Path(__file__).resolve().parents[1] / "fixtures" / "studies"


@pytest.fixture
def loaded(ctx: Context) -> Context:
    import_paths(ctx.sessions, [STUDIES / "six_programmes.json"], vocabulary=ctx.vocabulary)
    return ctx


def _ids(ctx: Context, **kwargs: object) -> list[str]:
    with ctx.sessions() as session:
        page = ctx.search.search(session, SearchQuery(**kwargs))  # type: ignore[arg-type]
    return [hit.nct_id for hit in page.hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lupus", {"NCT99000005"}),
        ("cord blood", {"NCT99000004"}),
        ('"base editing"', {"NCT99000003"}),
        ("CAR-NK", {"NCT99000004", "NCT99000005"}),
        ("myeloma BCMA", {"NCT99000002"}),
        ("Hangzhou", {"NCT99000003"}),
        ("nct99000006", {"NCT99000006"}),
        ("no-such-word-anywhere", set()),
        ("\"unbalanced quote AND OR NOT *", set()),
    ],
)
def test_full_text(loaded: Context, text: str, expected: set[str]) -> None:
    assert set(_ids(loaded, text=text)) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"cell_source": ["allogeneic"]}, {"NCT99000001", "NCT99000003", "NCT99000004", "NCT99000005"}),
        ({"cell_source": ["allogeneic"], "antigen": ["cd19"]}, {"NCT99000001", "NCT99000004", "NCT99000005"}),
        ({"modality": ["CAR-NK"], "country": ["united states"]}, {"NCT99000004"}),
        ({"country": ["China"]}, {"NCT99000001", "NCT99000003"}),
        ({"city": ["Houston"]}, {"NCT99000002", "NCT99000004"}),
        ({"status": ["open"]}, {"NCT99000001", "NCT99000002", "NCT99000003", "NCT99000004"}),
        ({"antigen": ["CD7"]}, {"NCT99000003"}),
        ({"antigen": ["CD19", "BCMA"]}, {"NCT99000001", "NCT99000002", "NCT99000004", "NCT99000005",
                                          "NCT99000006"}),
        ({"country": ["Atlantis"]}, set()),
    ],
)
def test_filters(loaded: Context, filters: dict[str, list[str]], expected: set[str]) -> None:
    assert set(_ids(loaded, filters=filters)) == expected


def test_open_programmes_come_first_then_the_freshest(loaded: Context) -> None:
    ids = _ids(loaded)
    assert ids[:4] == ["NCT99000003", "NCT99000001", "NCT99000002", "NCT99000004"]
    assert ids[4:] == ["NCT99000005", "NCT99000006"]


def test_facets_count_the_current_result(loaded: Context) -> None:
    with loaded.sessions() as session:
        page = loaded.search.search(session, SearchQuery(filters={"country": ["China"]}))
    assert dict(page.facets["country"]) == {"China": 2}
    assert dict(page.facets["antigen"]) == {"CD19": 1, "CD7": 1}


def test_paging(loaded: Context) -> None:
    assert len(_ids(loaded, limit=2)) == 2
    assert _ids(loaded, limit=2, offset=2) == _ids(loaded)[2:4]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (SearchQuery(filters={"antigen": ["CD999"]}), "unknown antigen 'CD999'; allowed:"),
        (SearchQuery(filters={"flavour": ["x"]}), "unknown filter"),
        (SearchQuery(limit=0), "limit"),
        (SearchQuery(offset=-1), "offset"),
        (SearchQuery(filters={"cell_source": ["homemade"]}), "allowed: allogeneic"),
    ],
)
def test_bad_requests_say_why(loaded: Context, query: SearchQuery, reason: str) -> None:
    with loaded.sessions() as session, pytest.raises(SearchRequestError) as caught:
        loaded.search.search(session, query)
    assert reason in str(caught.value)


def test_index_follows_new_imports(loaded: Context) -> None:
    assert len(_ids(loaded, limit=50)) == 6
    import_paths(loaded.sessions, [STUDIES / "broken_records.jsonl"], vocabulary=loaded.vocabulary)
    assert len(_ids(loaded, limit=50)) == 6  # same NCT IDs, same content: nothing new


def test_remembered_phrases_follow_catalogue_changes(loaded: Context, tmp_path: Path) -> None:
    assert _ids(loaded, text="lupus") == ["NCT99000005"]
    assert _ids(loaded, text="lupus") == ["NCT99000005"]  # from the phrase cache
    new = json.loads((STUDIES / "single_study.json").read_text())
    new["protocolSection"]["identificationModule"]["nctId"] = "NCT99000077"
    new["protocolSection"]["conditionsModule"]["conditions"].append("Lupus Nephritis")
    (tmp_path / "new.json").write_text(json.dumps(new))
    import_paths(loaded.sessions, [tmp_path / "new.json"], vocabulary=loaded.vocabulary)
    assert set(_ids(loaded, text="lupus")) == {"NCT99000005", "NCT99000077"}


def test_cities_are_counted_once_a_country_is_chosen(loaded: Context) -> None:
    with loaded.sessions() as session:
        world = loaded.search.search(session, SearchQuery())
        china = loaded.search.search(session, SearchQuery(filters={"country": ["China"]}))
    assert world.facets["city"] == []
    assert dict(china.facets["city"]) == {"Beijing": 1, "Hangzhou": 1, "Shanghai": 1}
