"""API validation of ResourceQuota and LimitRange: what the server refuses, in its words.

Rules and wording: pkg/apis/core/validation/validation.go (ValidateResourceQuotaSpec,
ValidateResourceQuotaResourceName, ValidateResourceQuantityValue,
validateResourceQuotaScopes, validateScopedResourceSelectorRequirement,
ValidateResourceQuotaUpdate, ValidateLimitRange) with pkg/apis/core/helper/helpers.go's
resource and scope sets, and apimachinery field/errors.go (a Quantity value is shown as its
JSON string, an internal struct by its Go field names). Pages:
kubernetes.io/docs/concepts/policy/resource-quotas/ ("Specifying a resource outside of the
allowed set results in a validation error"; BestEffort tracks only pods; the PriorityClass,
CrossNamespacePodAffinity and VolumeAttributesClass examples must still be accepted) and
kubernetes.io/docs/concepts/policy/limit-range/ plus .../cpu-constraint-namespace/ (a
LimitRange's defaults come from max and min, so they are validated too).
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

QUALIFIED_NAME_REGEX_ERROR = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)


def session(tmp_path) -> ScriptRunner:
    return ScriptRunner(Cluster(seed=1, profile="fast"), base_dir=tmp_path)


def quota(hard: str, extra: str = "", name: str = "q") -> str:
    return f"apiVersion: v1\nkind: ResourceQuota\nmetadata: {{name: {name}}}\nspec:\n  hard: {hard}\n{extra}"


def limit_range(items: str) -> str:
    return f"apiVersion: v1\nkind: LimitRange\nmetadata: {{name: lr}}\nspec:\n  limits:\n{items}"


# --- ResourceQuota: resource names and quantities ----------------------------------------


def test_create_quota_with_an_empty_resource_name_is_refused(tmp_path):
    runner = session(tmp_path)
    assert runner.run_line("kubectl create quota q --hard==1") == (
        'The ResourceQuota "q" is invalid: \n'
        '* spec.hard[]: Invalid value: "": name part must be non-empty\n'
        f'* spec.hard[]: Invalid value: "": {QUALIFIED_NAME_REGEX_ERROR}\n'
        '* spec.hard[]: Invalid value: "": must be a standard resource for quota'
    )
    assert runner.run_line("kubectl get quota") == "No resources found in default namespace."


def test_counted_resources_must_be_whole_numbers(tmp_path):
    runner = session(tmp_path)
    # kubectl sends the canonical quantity: 1.5 becomes 1500m
    assert runner.run_line("kubectl create quota q --hard=pods=1.5") == (
        'The ResourceQuota "q" is invalid: spec.hard[pods]: Invalid value: "1500m": '
        "must be an integer"
    )
    # count/<resource>.<group> and extended resources are integers too; cpu is not
    out = runner.run_line(
        "kubectl apply -f -",
        quota('{count/deployments.apps: 500m, example.com/dongle: "0.5", cpu: 500m}'),
    )
    assert out == (
        'The ResourceQuota "q" is invalid: \n'
        '* spec.hard[count/deployments.apps]: Invalid value: "500m": must be an integer\n'
        '* spec.hard[example.com/dongle]: Invalid value: "500m": must be an integer'
    )


def test_unknown_and_negative_resources_are_refused(tmp_path):
    runner = session(tmp_path)
    out = runner.run_line("kubectl apply -f -", quota('{foo: "1", memory: -1Gi, storage: 1Gi}'))
    assert out == (
        'The ResourceQuota "q" is invalid: \n'
        '* spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully '
        "qualified\n"
        '* spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota\n'
        '* spec.hard[memory]: Invalid value: "-1Gi": must be greater than or equal to 0\n'
        # storage is a standard resource, but quota limits requests.storage
        '* spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota'
    )


def test_the_pages_quotas_are_accepted(tmp_path):
    runner = session(tmp_path)
    hard = (
        '{requests.cpu: "1", limits.memory: 2Gi, pods: "10", services.nodeports: "0", '
        "count/jobs.batch: 5, requests.nvidia.com/gpu: 4, hugepages-2Mi: 1Gi, "
        "gold.storageclass.storage.k8s.io/requests.storage: 500Gi}"
    )
    assert runner.run_line("kubectl apply -f -", quota(hard)) == "resourcequota/q created"


# --- ResourceQuota: scopes ---------------------------------------------------------------


def test_scopes_must_be_known_compatible_and_fit_the_resources(tmp_path):
    runner = session(tmp_path)
    scopes = "  scopes: [BestEffort, NotBestEffort, Sometimes]\n"
    out = runner.run_line("kubectl apply -f -", quota('{pods: "2", memory: 1Gi}', scopes))
    shown = '["BestEffort","NotBestEffort","Sometimes"]'
    assert out == (
        'The ResourceQuota "q" is invalid: \n'
        f"* spec.scopes: Invalid value: {shown}: unsupported scope applied to resource\n"
        f"* spec.scopes: Invalid value: {shown}: unsupported scope\n"
        f"* spec.scopes: Invalid value: {shown}: conflicting scopes"
    )
    out = runner.run_line(
        "kubectl create quota t --hard=pods=1 --scopes=Terminating,NotTerminating"
    )
    assert out == (
        'The ResourceQuota "t" is invalid: spec.scopes: Invalid value: '
        '["Terminating","NotTerminating"]: conflicting scopes'
    )
    # BestEffort tracks pods only; the other pod scopes take cpu and memory too
    assert runner.run_line("kubectl create quota be --hard=pods=2 --scopes=BestEffort") == (
        "resourcequota/be created"
    )
    assert runner.run_line(
        "kubectl create quota nbe --hard=pods=2,requests.cpu=1 --scopes=NotBestEffort,NotTerminating"
    ) == ("resourcequota/nbe created")


def test_scope_selector_requirements(tmp_path):
    runner = session(tmp_path)
    selector = (
        "  scopeSelector:\n    matchExpressions:\n"
        "    - {scopeName: BestEffort, operator: In}\n"
        "    - {scopeName: PriorityClass, operator: Exists, values: [high]}\n"
        "    - {scopeName: Nope, operator: Sometimes}\n"
    )
    out = runner.run_line("kubectl apply -f -", quota('{cpu: "1"}', selector))
    path = "spec.scopeSelector.matchExpressions"
    internal = (
        '{"MatchExpressions":[{"ScopeName":"BestEffort","Operator":"In","Values":null},'
        '{"ScopeName":"PriorityClass","Operator":"Exists","Values":["high"]},'
        '{"ScopeName":"Nope","Operator":"Sometimes","Values":null}]}'
    )
    assert out.splitlines() == [
        'The ResourceQuota "q" is invalid: ',
        f"* {path}: Invalid value: {internal}: unsupported scope applied to resource",
        f"* {path}.operator: Invalid value: \"In\": must be 'Exists' when scope is any of "
        "ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, "
        "ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or "
        "ResourceQuotaScopeCrossNamespacePodAffinity",
        f"* {path}.values: Required value: must be at least one value when `operator` is "
        "'In' or 'NotIn' for scope selector",
        f'* {path}.values: Invalid value: ["high"]: must be no value when `operator` is '
        "'Exist' or 'DoesNotExist' for scope selector",
        f'* {path}.scopeName: Invalid value: "Nope": unsupported scope',
        f'* {path}.operator: Invalid value: "Sometimes": not a valid selector operator',
    ]


def test_conflicting_selector_scopes_show_the_scopes_field(tmp_path):
    runner = session(tmp_path)
    selector = (
        "  scopeSelector:\n    matchExpressions:\n"
        "    - {scopeName: Terminating, operator: Exists}\n"
        "    - {scopeName: NotTerminating, operator: Exists}\n"
    )
    assert runner.run_line("kubectl apply -f -", quota('{pods: "1"}', selector)) == (
        'The ResourceQuota "q" is invalid: spec.scopeSelector.matchExpressions: '
        "Invalid value: null: conflicting scopes"
    )


def test_the_pages_scope_selector_examples_are_accepted(tmp_path):
    runner = session(tmp_path)
    priority = (
        "  scopeSelector:\n    matchExpressions:\n"
        '    - {operator: In, scopeName: PriorityClass, values: ["high"]}\n'
    )
    affinity = (
        "  scopeSelector:\n    matchExpressions:\n"
        "    - {scopeName: CrossNamespacePodAffinity, operator: Exists}\n"
    )
    attributes = (
        "  scopeSelector:\n    matchExpressions:\n"
        '    - {operator: In, scopeName: VolumeAttributesClass, values: ["gold"]}\n'
    )
    manifests = [
        quota('{cpu: "1000", memory: 200Gi, pods: "10"}', priority, "pods-high"),
        quota('{pods: "0"}', affinity, "disable-cross-namespace-affinity"),
        quota('{requests.storage: 10Gi, persistentvolumeclaims: "10"}', attributes, "pvcs-gold"),
    ]
    assert runner.run_line("kubectl apply -f -", "---\n".join(manifests)).splitlines() == [
        "resourcequota/pods-high created",
        "resourcequota/disable-cross-namespace-affinity created",
        "resourcequota/pvcs-gold created",
    ]
    # a claim-only scope cannot limit pods
    out = runner.run_line("kubectl apply -f -", quota('{pods: "1"}', attributes, "vac-pods"))
    assert out.endswith(": unsupported scope applied to resource")


def test_scopes_cannot_change_on_update(tmp_path):
    runner = session(tmp_path)
    assert runner.run_line("kubectl create quota be --hard=pods=2 --scopes=BestEffort") == (
        "resourcequota/be created"
    )
    changed = quota('{pods: "3"}', "  scopes: [NotBestEffort]\n", "be")
    assert runner.run_line("kubectl apply -f -", changed) == (
        'The ResourceQuota "be" is invalid: spec.scopes: Invalid value: ["NotBestEffort"]: '
        "field is immutable"
    )
    same = quota('{pods: "3"}', "  scopes: [BestEffort]\n", "be")
    assert runner.run_line("kubectl apply -f -", same) == "resourcequota/be configured"
    assert runner.cluster.api.get("ResourceQuota", "default", "be")["spec"]["hard"] == {"pods": "3"}


# --- LimitRange ---------------------------------------------------------------------------


def test_min_above_max_is_checked_against_the_defaults_too(tmp_path):
    runner = session(tmp_path)
    # defaulting copies max into default and default into defaultRequest first
    items = "  - type: Container\n    min: {cpu: '2'}\n    max: {cpu: '1'}\n"
    assert runner.run_line("kubectl apply -f -", limit_range(items)) == (
        'The LimitRange "lr" is invalid: \n'
        '* spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1\n'
        '* spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than '
        "default request value 1\n"
        # upstream shows the min as this error's value
        '* spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than '
        "default value 1"
    )
    assert runner.run_line("kubectl get limitrange") == "No resources found in default namespace."


def test_defaults_above_max_and_request_above_limit(tmp_path):
    runner = session(tmp_path)
    items = (
        "  - type: Container\n    max: {memory: 1Gi}\n"
        "    default: {memory: 2Gi}\n    defaultRequest: {memory: 3Gi}\n"
    )
    assert runner.run_line("kubectl apply -f -", limit_range(items)).splitlines() == [
        'The LimitRange "lr" is invalid: ',
        '* spec.limits[0].defaultRequest[memory]: Invalid value: "3Gi": default request value '
        "3Gi is greater than max value 1Gi",
        '* spec.limits[0].defaultRequest[memory]: Invalid value: "3Gi": default request value '
        "3Gi is greater than default limit value 2Gi",
        # upstream shows the max as this error's value
        '* spec.limits[0].default[memory]: Invalid value: "1Gi": default value 2Gi is greater '
        "than max value 1Gi",
    ]


def test_max_limit_request_ratio(tmp_path):
    runner = session(tmp_path)
    items = (
        "  - type: Container\n    min: {memory: 1Gi}\n    max: {memory: 2Gi}\n"
        "    maxLimitRequestRatio: {memory: '4', cpu: 500m}\n"
    )
    assert runner.run_line("kubectl apply -f -", limit_range(items)).splitlines() == [
        'The LimitRange "lr" is invalid: ',
        '* spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less '
        "than 1",
        '* spec.limits[0].maxLimitRequestRatio[memory]: Invalid value: "4": ratio 4 is greater '
        "than max/min = 2.000000",
    ]


def test_types_and_their_own_rules(tmp_path):
    runner = session(tmp_path)
    items = (
        "  - type: Pod\n    max: {cpu: '2'}\n    default: {cpu: '1'}\n"
        "  - type: PersistentVolumeClaim\n    max: {cpu: '1'}\n"
        "  - type: Node\n"
        "  - max: {cpu: '1'}\n"
        "  - type: Pod\n    max: {storage: 1Gi}\n"
        "  - type: Container\n    default: {example.com/dongle: '2'}\n"
        "    defaultRequest: {example.com/dongle: '1'}\n"
    )
    assert runner.run_line("kubectl apply -f -", limit_range(items)).splitlines() == [
        'The LimitRange "lr" is invalid: ',
        "* spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
        "* spec.limits[1].limits: Required value: either minimum or maximum storage value is "
        "required, but neither was provided",
        '* spec.limits[2].type: Invalid value: "Node": must be a standard limit type or fully '
        "qualified",
        '* spec.limits[3].type: Invalid value: "": name part must be non-empty',
        f'* spec.limits[3].type: Invalid value: "": {QUALIFIED_NAME_REGEX_ERROR}',
        '* spec.limits[4].type: Duplicate value: "Pod"',
        '* spec.limits[4].max[storage]: Invalid value: "storage": must be a standard resource '
        "for containers",
        # an extended resource may not be overcommitted: its default request is its limit
        '* spec.limits[5].defaultRequest[example.com/dongle]: Invalid value: "1": default value '
        "2 must equal to defaultRequest value 1 in example.com/dongle",
    ]


def test_the_pages_limit_ranges_are_accepted(tmp_path):
    runner = session(tmp_path)
    items = (
        "  - default: {cpu: 500m}\n    defaultRequest: {cpu: 500m}\n"
        "    max: {cpu: '1'}\n    min: {cpu: 100m}\n    type: Container\n"
        "  - type: Pod\n    max: {cpu: '2', memory: 2Gi}\n"
        "  - type: PersistentVolumeClaim\n    max: {storage: 2Gi}\n    min: {storage: 1Gi}\n"
    )
    assert runner.run_line("kubectl apply -f -", limit_range(items)) == "limitrange/lr created"
