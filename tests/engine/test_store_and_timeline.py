from cluster_sim.engine.store import Store
from cluster_sim.engine.timeline import Timeline


def pod(name, namespace="default", owners=()):
    meta = {"name": name, "namespace": namespace}
    if owners:
        meta["ownerReferences"] = [{"uid": uid} for uid in owners]
    return {"kind": "Pod", "metadata": meta}


def test_every_write_bumps_the_resource_version_and_notifies_watchers():
    store = Store()
    seen = []
    store.watch("Pod", lambda event, obj: seen.append((event, obj["metadata"]["name"])))
    store.put(pod("a"), "ADDED")
    store.put(pod("b"), "ADDED")
    store.remove("Pod", "default", "a")
    assert store.resource_version == 3
    assert seen == [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")]
    assert store.get("Pod", "default", "b")["metadata"]["resourceVersion"] == "2"


def test_a_write_inside_a_handler_reaches_every_watcher_after_the_event_in_hand():
    """Watchers see a kind's events in resourceVersion order, as client-go informers deliver
    them. Before, a handler that deleted a pod while the MODIFIED event was being handed out
    (the kubelet finishing a terminating pod that never ran) made later watchers see DELETED,
    then MODIFIED: the scheduler's cache kept the gone pod, its cpu counted for ever."""
    store = Store()

    def kubelet(event, obj):
        if event == "MODIFIED" and obj["metadata"].get("deletionTimestamp"):
            store.remove("Pod", "default", obj["metadata"]["name"])

    seen = []
    store.watch("Pod", kubelet)
    store.watch("Pod", lambda event, obj: seen.append(event))
    obj = store.put(pod("a"), "ADDED")
    obj["metadata"]["deletionTimestamp"] = "2026-01-05T09:00:00Z"
    store.put(obj, "MODIFIED")
    assert seen == ["ADDED", "MODIFIED", "DELETED"]
    assert store.get("Pod", "default", "a") is None
    assert store.resource_version == 3


def test_changes_since_reports_only_newer_changes():
    store = Store()
    store.put(pod("a"), "ADDED")
    store.put(pod("b"), "ADDED")
    assert [c[4] for c in store.changes_since(1)] == ["b"]
    assert store.changes_since(2) == []


def test_owner_index_follows_in_place_changes():
    store = Store()
    obj = store.put(pod("a", owners=["rs-1"]), "ADDED")
    assert store.dependents_of("rs-1") == [("Pod", "default", "a")]
    obj["metadata"]["ownerReferences"] = [{"uid": "rs-2"}]
    store.put(obj, "MODIFIED")
    assert store.dependents_of("rs-1") == []
    assert store.dependents_of("rs-2") == [("Pod", "default", "a")]
    store.remove("Pod", "default", "a")
    assert store.dependents_of("rs-2") == []


def test_list_is_sorted_and_scoped_to_a_namespace():
    store = Store()
    for name, namespace in (("b", "default"), ("a", "default"), ("c", "other")):
        store.put(pod(name, namespace), "ADDED")
    assert [p["metadata"]["name"] for p in store.list("Pod", "default")] == ["a", "b"]
    assert [p["metadata"]["name"] for p in store.list("Pod")] == ["a", "b", "c"]


def test_timers_fire_in_time_order_and_fifo_within_a_millisecond():
    timeline = Timeline()
    fired = []
    timeline.call_at(20, fired.append, "late")
    timeline.call_at(10, fired.append, "first")
    timeline.call_at(10, fired.append, "second")
    cancelled = timeline.call_at(15, fired.append, "cancelled")
    cancelled.cancel()
    while (timer := timeline.pop_due(100)) is not None:
        timer.callback(*timer.args)
    assert fired == ["first", "second", "late"]
    assert timeline.now_ms == 20


def test_quiet_timers_fire_in_order_but_the_next_visible_event_skips_them():
    from cluster_sim.engine.timeline import Timeline

    timeline, fired = Timeline(), []
    timeline.call_at(300, fired.append, "visible")
    timeline.call_at(100, fired.append, "quiet", quiet=True)
    timeline.call_at(200, fired.append, "quiet-too", quiet=True)
    assert timeline.next_visible_due_ms() == 300 and timeline.next_due_ms() == 100
    while (timer := timeline.pop_due(1_000)) is not None:
        timer.callback(*timer.args)
    assert fired == ["quiet", "quiet-too", "visible"] and timeline.pending() == 0
