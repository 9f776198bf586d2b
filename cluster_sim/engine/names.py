"""Generated names and ids, as upstream makes them, from the cluster's seeded RNG."""

import json
import random

# k8s.io/apimachinery/pkg/util/rand: no vowels or look-alikes, so names never spell words.
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


_ALPHANUM_BITS = len(ALPHANUMS).bit_length()


def random_suffix(rng: random.Random, length: int = 5) -> str:
    """rng.choice(ALPHANUMS) per character, drawing the very same bits (Random._randbelow's
    rejection sampling over getrandbits) without its call overhead on every pod."""
    getrandbits, count = rng.getrandbits, len(ALPHANUMS)
    chars = []
    for _ in range(length):
        index = getrandbits(_ALPHANUM_BITS)
        while index >= count:
            index = getrandbits(_ALPHANUM_BITS)
        chars.append(ALPHANUMS[index])
    return "".join(chars)


def generate_name(rng: random.Random, prefix: str) -> str:
    """generateName: prefix (cut to fit 63 chars) plus 5 random characters."""
    return prefix[: 63 - 5] + random_suffix(rng)


def new_uid(rng: random.Random) -> str:
    value = rng.getrandbits(128)
    value = (value & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
    value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _fnv32a(data: bytes) -> int:
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def _safe_encode(text: str) -> str:
    """rand.SafeEncodeString: map each character onto ALPHANUMS."""
    return "".join(ALPHANUMS[ord(ch) % len(ALPHANUMS)] for ch in text)


def pod_template_hash(template: dict, collision_count: int = 0) -> str:
    """controller.ComputeHash: FNV-32a of the template, safe-encoded (e.g. `6d4cf56db6`).

    Upstream hashes Go's spew dump of the struct; we hash canonical JSON, so values
    differ from a real cluster's but have the same form and the same stability.
    """
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += str(collision_count).encode()
    return _safe_encode(str(_fnv32a(data)))
