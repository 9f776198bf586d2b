"""Address allocation: Service ClusterIPs, NodePorts, node pod CIDRs and pod IPs.

Defaults as kubeadm sets them up: service CIDR 10.96.0.0/12 (10.96.0.1 is the
`kubernetes` Service), pod CIDR 10.244.0.0/16 split into a /24 per node, and
NodePorts from 30000-32767. Random choices use the cluster's seeded RNG.
"""

import ipaddress
import random

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORT_RANGE = (30000, 32767)
NODE_ADDRESS_BASE = ipaddress.ip_address("10.0.0.10")
# The control plane is not a node here; its API server still has an address, which the
# `kubernetes` Service's endpoints list (port 6443, as kubeadm serves it).
CONTROL_PLANE_ADDRESS = "10.0.0.2"
API_SERVER_PORT = 6443


class AllocationError(Exception):
    """An allocator's error, worded as upstream's allocator words it (the API server adds
    the field path and, for cluster IPs, `failed to allocate IP <ip>: `)."""


# pkg/registry/core/service/ipallocator/interfaces.go. Since v1.33 the cluster IPs come from
# the MultiCIDRServiceAllocator's MetaAllocator (GA): an address outside every ServiceCIDR has
# no allocator (ErrMismatchedNetwork, cidrallocator.go getAllocator), one that exists already
# as an IPAddress object is ErrAllocated (ipallocator.go createIPAddress), and the network and
# broadcast addresses are outside the allocator's first..last range (ErrNotInRange).
IP_ALREADY_ALLOCATED = "provided IP is already allocated"
IP_NETWORK_MISMATCH = "the provided network does not match the current range"
IP_RANGE_FULL = "range is full"
# pkg/registry/core/service/portallocator/allocator.go
PORT_ALREADY_ALLOCATED = "provided port is already allocated"


class ServiceIPAllocator:
    def __init__(self, rng: random.Random):
        self._rng = rng
        self._used: set[str] = set()
        self._size = SERVICE_CIDR.num_addresses

    def reserve(self, ip: str) -> None:
        address = ipaddress.ip_address(ip)
        if address not in SERVICE_CIDR:
            raise AllocationError(IP_NETWORK_MISMATCH)
        if address in (SERVICE_CIDR.network_address, SERVICE_CIDR.broadcast_address):
            raise AllocationError(
                f"the provided IP ({ip}) is not in the valid range. "
                f"The range of valid IPs is {SERVICE_CIDR}"
            )
        if ip in self._used:
            raise AllocationError(IP_ALREADY_ALLOCATED)
        self._used.add(ip)

    def allocate(self) -> str:
        for _ in range(1000):
            offset = self._rng.randrange(2, self._size - 1)
            ip = str(SERVICE_CIDR.network_address + offset)
            if ip not in self._used:
                self._used.add(ip)
                return ip
        raise AllocationError(IP_RANGE_FULL)

    def release(self, ip: str | None) -> None:
        if ip:
            self._used.discard(ip)


class NodePortAllocator:
    def __init__(self, rng: random.Random):
        self._rng = rng
        self._used: set[int] = set()

    def reserve(self, port: int) -> None:
        low, high = NODE_PORT_RANGE
        if not low <= port <= high:
            raise AllocationError(
                f"provided port is not in the valid range. The range of valid ports is {low}-{high}"
            )
        if port in self._used:
            raise AllocationError(PORT_ALREADY_ALLOCATED)
        self._used.add(port)

    def allocate(self) -> int:
        low, high = NODE_PORT_RANGE
        for _ in range(10000):
            port = self._rng.randint(low, high)
            if port not in self._used:
                self._used.add(port)
                return port
        raise AllocationError("range is full")

    def release(self, port: int | None) -> None:
        self._used.discard(port)


class NodeNetwork:
    """Hands each node an address and a /24 pod CIDR, and each pod an IP in it."""

    def __init__(self) -> None:
        self._next_index = 0
        self._free_indexes: list[int] = []
        self._next_host: dict[str, int] = {}
        self._used_hosts: dict[str, set[int]] = {}
        self._index_of: dict[str, int] = {}
        self._node_at: dict[int, str] = {}

    def add_node(self, node_name: str) -> tuple[str, str]:
        """(internal IP, pod CIDR) for a new node."""
        if self._free_indexes:
            index = self._free_indexes.pop(0)
        else:
            index = self._next_index
            self._next_index += 1
        self._index_of[node_name] = index
        self._node_at[index] = node_name
        self._next_host[node_name] = 2
        self._used_hosts[node_name] = set()
        address = str(NODE_ADDRESS_BASE + index)
        return address, _pod_cidr(index)

    def remove_node(self, node_name: str) -> None:
        index = self._index_of.pop(node_name, None)
        if index is not None:
            self._node_at.pop(index, None)
            self._free_indexes.append(index)
            self._free_indexes.sort()
        self._next_host.pop(node_name, None)
        self._used_hosts.pop(node_name, None)

    def allocate_pod_ip(self, node_name: str) -> str:
        """Sequential with wrap-around, like the host-local IPAM plugin."""
        used = self._used_hosts[node_name]
        host = self._next_host[node_name]
        for _ in range(253):
            if host > 254:
                host = 2
            if host not in used:
                used.add(host)
                self._next_host[node_name] = host + 1
                return _pod_ip(self._index_of[node_name], host)
            host += 1
        raise AllocationError(f"no IP addresses available in range set for node {node_name}")

    def node_of_pod_ip(self, ip: str) -> str | None:
        """The node whose pod CIDR holds the IP (the route a packet to it takes)."""
        parts = ip.split(".")
        if len(parts) != 4 or parts[0] != "10" or not all(p.isdigit() for p in parts):
            return None
        index = (int(parts[1]) - 244) * 256 + int(parts[2])
        if int(parts[1]) < 244:
            return None
        return self._node_at.get(index)

    def release_pod_ip(self, node_name: str, ip: str | None) -> None:
        if ip and node_name in self._used_hosts:
            self._used_hosts[node_name].discard(int(ip.rsplit(".", 1)[1]))


def _pod_cidr(index: int) -> str:
    # Beyond 256 nodes 10.244.0.0/16 is used up; carry on into 10.245.0.0/16 and
    # upwards, as a cluster configured with a larger --cluster-cidr would.
    return f"10.{244 + index // 256}.{index % 256}.0/24"


def _pod_ip(index: int, host: int) -> str:
    return f"10.{244 + index // 256}.{index % 256}.{host}"
