"""What every component of one simulated cluster shares."""

import random
from dataclasses import dataclass

from .apiserver import APIServer
from .events import EventRecorder
from .profiles import Profile
from .store import Store
from .timeline import Timeline


@dataclass
class Context:
    store: Store
    api: APIServer
    timeline: Timeline
    events: EventRecorder
    rng: random.Random
    profile: Profile
    # Disk contents, attachments and claim users (storage.StorageState); None in bare
    # test contexts without storage.
    storage: object = None
    # The network pods' programs reach (cluster_network.ClusterNetwork); None: a stand-in.
    cluster_network: object = None

    @property
    def now_ms(self) -> int:
        return self.timeline.now_ms
