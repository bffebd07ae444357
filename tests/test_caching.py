"""The TTL cache the Wi-Fi runtime keeps its short-lived data in."""

from __future__ import annotations

from portal.caching import TtlCache


def test_values_are_kept_per_key_until_they_expire_or_are_cleared() -> None:
    now = [100.0]
    cache: TtlCache[str] = TtlCache(30, clock=lambda: now[0])
    computed: list[str] = []

    def compute(value: str):  # type: ignore[no-untyped-def]
        return lambda: computed.append(value) or value

    assert cache.get("a", compute("a1")) == "a1"
    assert cache.get("b", compute("b1")) == "b1"
    now[0] += 30
    assert cache.get("a", compute("a2")) == "a1"  # still fresh at exactly 30 s
    now[0] += 0.1
    assert cache.get("a", compute("a3")) == "a3"
    cache.clear()
    assert cache.get("b", compute("b2")) == "b2"
    assert computed == ["a1", "b1", "a3", "b2"]
