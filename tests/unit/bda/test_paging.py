"""Pages of expanded rows (several per resource) cut exactly at maxResults, never repeat or skip a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from medauto.protocols.errors import ServiceError
from medauto.services.bda.paging import expanded_page, list_page
from medauto.storage.resources import InMemoryResourceStore, Resource

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ROWS_PER_RESOURCE = [2, 0, 1, 3, 2, 0, 1]  # resources with 0 rows are filtered out by the store


def filled_store() -> InMemoryResourceStore:
    store = InMemoryResourceStore()
    for n, count in enumerate(ROWS_PER_RESOURCE):
        at = T0 + timedelta(seconds=n)
        store.insert(Resource("111122223333", "us-east-1", "blueprint", f"{n:012x}", f"r{n}", at, at, {"rows": count}))
    return store


def rows_of(resource: Resource) -> list[str]:
    return [f"{resource.name}.{i}" for i in range(resource.body["rows"])]


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 9, 10])
def test_expanded_pages_cover_every_row_once(limit: int) -> None:
    store = filled_store()

    def fetch(n: int, cursor: str | None) -> tuple[list[Resource], str | None]:
        return store.list("111122223333", "us-east-1", "blueprint", n, cursor, lambda r: r.body["rows"] > 0)

    everything = [row for n, count in enumerate(ROWS_PER_RESOURCE) for row in (f"r{n}.{i}" for i in range(count))]
    seen: list[str] = []
    sizes: list[int] = []
    token = None
    while True:
        page, token = expanded_page(fetch, rows_of, limit, token, "account")
        seen.extend(page)
        sizes.append(len(page))
        if token is None:
            break
    assert seen == everything
    assert all(size == limit for size in sizes[:-1]) and 0 < sizes[-1] <= limit  # no empty last page


def test_tokens_are_checked() -> None:
    rows = list(range(5))
    page, token = list_page(rows, 2, None, "service")
    assert page == [0, 1] and token is not None
    assert list_page(rows, 10, token, "service") == ([2, 3, 4], None)
    for bad in ("%%%", token[:-3] + "xyz", list_page(rows, 2, None, "project")[1]):
        with pytest.raises(ServiceError) as caught:
            list_page(rows, 2, bad, "service")
        assert (caught.value.code, caught.value.status) == ("ValidationException", 400)
        assert caught.value.fields == {"fieldList": [{"name": "nextToken", "message": "The nextToken is not valid."}]}
