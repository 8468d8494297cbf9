"""One contract, every ResourceStore: namespaces, unique names, compare-and-set, pagination, client tokens."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from medauto.storage.resources import (
    InMemoryResourceStore,
    NameTaken,
    Resource,
    ResourceStore,
    StaleResource,
    TokenBusy,
    TokenMismatch,
    modify,
)
from medauto.storage.resources_postgres import PostgresResourceStore
from medauto.storage.resources_sqlite import SqliteResourceStore
from tests.stores import store_fixture

A, B, REGION = "111122223333", "444455556666", "us-east-1"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


store = store_fixture(
    memory=InMemoryResourceStore,
    sqlite=lambda tmp: SqliteResourceStore(tmp / "resources.sqlite"),
    postgres=PostgresResourceStore,
    tables=("medauto_resources", "medauto_resource_tokens"),
)


def res(n: int, *, account: str = A, region: str = REGION, kind: str = "blueprint", name: str = "") -> Resource:
    at = T0 + timedelta(seconds=n)
    body = {"stages": {"LIVE": {"schema": f"s{n}"}}, "n": n}
    return Resource(account, region, kind, f"{n:012x}", name or f"name-{n}", at, at, body, {"team": "x"})


def test_insert_get_roundtrip_and_namespaces(store: ResourceStore) -> None:
    original = res(1)
    store.insert(original)
    assert store.get(A, REGION, "blueprint", original.resource_id) == original
    assert store.get(B, REGION, "blueprint", original.resource_id) is None
    assert store.get(A, "eu-west-1", "blueprint", original.resource_id) is None
    assert store.get(A, REGION, "data-automation-project", original.resource_id) is None


def test_names_are_unique_per_kind_account_and_region(store: ResourceStore) -> None:
    store.insert(res(1, name="invoices"))
    with pytest.raises(NameTaken):
        store.insert(res(2, name="invoices"))
    store.insert(res(3, name="invoices", account=B))
    store.insert(res(4, name="invoices", region="eu-west-1"))
    store.insert(res(5, name="invoices", kind="data-automation-project"))
    assert store.delete(A, REGION, "blueprint", res(1).resource_id)
    store.insert(res(6, name="invoices"))  # a deleted resource frees its name
    assert not store.delete(A, REGION, "blueprint", res(1).resource_id)


def test_replace_is_compare_and_set(store: ResourceStore) -> None:
    store.insert(res(1))
    first = store.get(A, REGION, "blueprint", res(1).resource_id)
    assert first is not None and first.revision == 1
    later = T0 + timedelta(hours=1)
    updated = store.replace(first.with_changes(body={"v": 2}, tags={}, modified=later))
    assert updated.revision == 2
    again = store.get(A, REGION, "blueprint", first.resource_id)
    assert again is not None and (again.body, again.tags, again.modified, again.revision) == ({"v": 2}, {}, later, 2)
    with pytest.raises(StaleResource):
        store.replace(first.with_changes(body={"v": "lost update"}))
    store.delete(A, REGION, "blueprint", first.resource_id)
    with pytest.raises(StaleResource):
        store.replace(updated)


def test_concurrent_modify_loses_no_update(store: ResourceStore) -> None:
    store.insert(res(1).with_changes(body={"count": 0}))

    def bump(current: Resource) -> Resource:
        return current.with_changes(body={"count": current.body["count"] + 1})

    def worker() -> None:
        for _ in range(10):
            modify(store, A, REGION, "blueprint", res(1).resource_id, bump)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = store.get(A, REGION, "blueprint", res(1).resource_id)
    assert final is not None and final.body["count"] == 40 and final.revision == 41
    assert modify(store, A, REGION, "blueprint", "000000000bad", bump) is None


def test_list_pages_are_ordered_filtered_and_stable(store: ResourceStore) -> None:
    for n in (5, 1, 3, 2, 4, 6, 7):
        store.insert(res(n))
    store.insert(res(8, account=B))
    seen: list[int] = []
    cursor = None
    while True:
        page, cursor = store.list(A, REGION, "blueprint", 3, cursor)
        seen.extend(r.body["n"] for r in page)
        if cursor is None:
            break
        # Deleting an already-listed resource and adding a new one never shifts the next page.
        if len(seen) == 3:
            store.delete(A, REGION, "blueprint", res(2).resource_id)
            store.insert(res(9))
    assert seen == [1, 2, 3, 4, 5, 6, 7, 9]
    odd, cursor = store.list(A, REGION, "blueprint", 2, None, lambda r: r.body["n"] % 2 == 1)
    assert [r.body["n"] for r in odd] == [1, 3] and cursor is not None
    rest, cursor = store.list(A, REGION, "blueprint", 10, cursor, lambda r: r.body["n"] % 2 == 1)
    assert [r.body["n"] for r in rest] == [5, 7, 9] and cursor is None
    exact, cursor = store.list(A, REGION, "blueprint", 7, None)
    assert len(exact) == 7 and cursor is None  # no empty trailing page
    with pytest.raises(ValueError):
        store.list(A, REGION, "blueprint", 3, "not-a-cursor")


def test_client_tokens(store: ResourceStore) -> None:
    assert store.claim_token(A, REGION, "CreateBlueprint", "tok", "fp1") is None
    with pytest.raises(TokenBusy):
        store.claim_token(A, REGION, "CreateBlueprint", "tok", "fp1")
    with pytest.raises(TokenMismatch):
        store.claim_token(A, REGION, "CreateBlueprint", "tok", "fp2")
    result = {"blueprint": {"blueprintArn": "arn", "creationTime": "2026-11-01T12:00:00+00:00"}}
    store.settle_token(A, REGION, "CreateBlueprint", "tok", result)
    assert store.claim_token(A, REGION, "CreateBlueprint", "tok", "fp1") == result
    with pytest.raises(TokenMismatch):
        store.claim_token(A, REGION, "CreateBlueprint", "tok", "fp2")
    # Tokens are scoped by operation, account and region.
    assert store.claim_token(A, REGION, "CreateDataAutomationProject", "tok", "fp2") is None
    assert store.claim_token(B, REGION, "CreateBlueprint", "tok", "fp2") is None
    # A failed first request releases its token; a settled one is kept.
    store.release_token(B, REGION, "CreateBlueprint", "tok")
    assert store.claim_token(B, REGION, "CreateBlueprint", "tok", "fp3") is None
    store.release_token(A, REGION, "CreateBlueprint", "tok")
    assert store.claim_token(A, REGION, "CreateBlueprint", "tok", "fp1") == result


def test_only_one_concurrent_claim_wins(store: ResourceStore) -> None:
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim() -> None:
        try:
            got = store.claim_token(A, REGION, "CreateBlueprint", "race", "fp")
            outcome = "first" if got is None else "replay"
        except TokenBusy:
            outcome = "busy"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["busy"] * 5 + ["first"]


def test_sqlite_store_is_shared_through_the_file(tmp_path: Path) -> None:
    one = SqliteResourceStore(tmp_path / "resources.sqlite")
    two = SqliteResourceStore(tmp_path / "resources.sqlite")
    one.insert(res(1))
    assert two.get(A, REGION, "blueprint", res(1).resource_id) == res(1)
    with pytest.raises(NameTaken):
        two.insert(res(2, name="name-1"))
    one.close()
    two.close()


def _bump_in_process(path: str, times: int) -> None:
    store = SqliteResourceStore(Path(path))

    def bump(current: Resource) -> Resource:
        return current.with_changes(body={"count": current.body["count"] + 1})

    for _ in range(times):
        modify(store, A, REGION, "blueprint", res(1).resource_id, bump)
    store.close()


def test_sqlite_store_loses_no_update_across_processes(tmp_path: Path) -> None:
    import multiprocessing

    path = tmp_path / "resources.sqlite"
    store = SqliteResourceStore(path)
    store.insert(res(1).with_changes(body={"count": 0}))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_bump_in_process, args=(str(path), 25)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    final = store.get(A, REGION, "blueprint", res(1).resource_id)
    assert final is not None and final.body["count"] == 75
    store.close()
