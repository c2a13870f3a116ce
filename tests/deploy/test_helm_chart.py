"""The Helm chart, rendered by the real Helm engine: valid Kubernetes objects, GPU workers, hooks, secrets."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import helm_python as helm
import pytest
import yaml
from conftest import CHART, Manifest, Render, find, values_file
from kubernetes_validate.utils import latest_version, validate

# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest kubernetes-validate knows.
KUBE_VERSIONS = ["1.29.0", f"{latest_version()}.0"]

SCENARIOS = {
    "default": None,
    "gpu": "gpu-values.yaml",
    "external": "external-values.yaml",
}


def scenario_values(scenario: str) -> dict[str, Any]:
    file = SCENARIOS[scenario]
    return values_file(file) if file else {}


def containers(manifest: Manifest) -> list[dict[str, Any]]:
    spec = manifest["spec"]["template"]["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


def env_names(container: dict[str, Any]) -> set[str]:
    return {e["name"] for e in container.get("env", [])}


def workloads(manifests: list[Manifest]) -> list[Manifest]:
    return [m for m in manifests if m["kind"] in ("Deployment", "StatefulSet", "Job")]


@pytest.mark.parametrize("install", [True, False], ids=["install", "upgrade"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_manifest_validates_against_kubernetes(render: Render, scenario: str, install: bool) -> None:
    manifests = render(scenario_values(scenario), install=install)
    assert len(manifests) >= 12
    for manifest in manifests:
        for version in KUBE_VERSIONS:
            # strict: unknown fields are errors too (a typo in a template would be silently dropped by the API)
            validate(manifest, version, strict=True)


def test_chart_lints_clean_for_every_scenario() -> None:
    for scenario in SCENARIOS:
        report = helm.lint(CHART, scenario_values(scenario), strict=True, kube_version=f"v{KUBE_VERSIONS[-1]}")
        assert report["errors"] == [], (scenario, report)
        assert report["messages"] == [], (scenario, report)


def test_default_values_deploy_everything_for_an_evaluation(render: Render) -> None:
    manifests = render()
    kinds = {(m["kind"], m["metadata"]["name"]) for m in manifests}
    for expected in [("Deployment", "gw-groundwork-api"), ("Service", "gw-groundwork-api"),
                     ("Deployment", "gw-groundwork-orchestrator"), ("Deployment", "gw-groundwork-worker-cpu"),
                     ("HorizontalPodAutoscaler", "gw-groundwork-worker-cpu"),
                     ("StatefulSet", "gw-groundwork-postgresql"), ("StatefulSet", "gw-groundwork-rabbitmq"),
                     ("Deployment", "gw-groundwork-mlflow"), ("ConfigMap", "gw-groundwork"),
                     ("Secret", "gw-groundwork"), ("ServiceAccount", "gw-groundwork")]:
        assert expected in kinds
    assert ("Deployment", "gw-groundwork-worker-gpu") not in kinds  # no GPU nodes assumed
    api = find(manifests, "Deployment", "gw-groundwork-api")
    server = api["spec"]["template"]["spec"]["containers"][0]
    assert server["command"] == ["groundwork", "serve"]
    assert server["readinessProbe"]["httpGet"]["path"] == "/api/v1/health"
    config = find(manifests, "ConfigMap", "gw-groundwork")["data"]
    assert config["GROUNDWORK_EMBEDDED_WORKER"] == "false"
    assert config["GROUNDWORK_ENV"] == "production"
    assert config["GROUNDWORK_API_URL"] == "http://gw-groundwork-api.team.svc"
    assert config["GROUNDWORK_MLFLOW_TRACKING_URI"] == "http://gw-groundwork-mlflow.team.svc:5000"
    assert "GROUNDWORK_MLFLOW_UI_URL" not in config  # no address a browser reaches: no links


def test_gpu_resources_appear_on_gpu_workers_only(render: Render) -> None:
    manifests = render(values_file("gpu-values.yaml"))
    gpu_holders = []
    for manifest in workloads(manifests):
        spec = manifest["spec"]["template"]["spec"]
        for container in containers(manifest):
            resources = container.get("resources", {})
            if any("nvidia.com/gpu" in resources.get(part, {}) for part in ("limits", "requests")):
                gpu_holders.append(manifest["metadata"]["name"])
        if manifest["metadata"]["name"] != "gw-groundwork-worker-gpu":
            assert "nvidia.com/gpu" not in str(spec.get("nodeSelector", {})), manifest["metadata"]["name"]
            assert not spec.get("tolerations"), manifest["metadata"]["name"]
    assert gpu_holders == ["gw-groundwork-worker-gpu"]

    gpu = find(manifests, "Deployment", "gw-groundwork-worker-gpu")
    pod = gpu["spec"]["template"]["spec"]
    worker = pod["containers"][0]
    assert worker["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert worker["image"] == "registry.example.com/ml-platform/groundwork-worker-cuda:0.1.0"
    assert worker["command"] == ["groundwork", "worker", "--role", "executor", "--queues", "gpu", "--concurrency", "1"]
    assert pod["nodeSelector"]["nvidia.com/gpu.product"] == "NVIDIA-A100-SXM4-80GB"
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pod["tolerations"]
    assert gpu["spec"]["replicas"] == 2
    cpu = find(manifests, "Deployment", "gw-groundwork-worker-cpu")
    assert cpu["spec"]["template"]["spec"]["containers"][0]["image"].endswith("/groundwork-worker:0.1.0")
    # HPAs scale the CPU executors, never the GPU ones
    hpas = {m["metadata"]["name"] for m in manifests if m["kind"] == "HorizontalPodAutoscaler"}
    assert hpas == {"gw-groundwork-worker-cpu"}


def test_one_executor_deployment_per_queue(render: Render) -> None:
    manifests = render({"workers": {"queues": {"io": {"concurrency": 16, "celeryQueues": "io,export"}}}})
    io = find(manifests, "Deployment", "gw-groundwork-worker-io")
    command = io["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command == ["groundwork", "worker", "--role", "executor", "--queues", "io,export", "--concurrency", "16"]
    executors = sorted(m["metadata"]["name"] for m in manifests
                       if m["kind"] == "Deployment" and "--role" in str(containers(m)[0]["command"])
                       and "executor" in containers(m)[0]["command"])
    assert executors == ["gw-groundwork-worker-cpu", "gw-groundwork-worker-io"]


def test_external_database_values_use_the_given_urls_and_no_in_chart_services(render: Render) -> None:
    values = values_file("external-values.yaml")
    manifests = render(values)
    names = {m["metadata"]["name"] for m in manifests}
    assert not {"gw-groundwork-postgresql", "gw-groundwork-rabbitmq", "gw-groundwork-mlflow"} & names
    secret = find(manifests, "Secret", "gw-groundwork")
    data = {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
    assert data == {"secret-key": values["secretKey"], "database-url": values["externalDatabase"]["url"],
                    "broker-url": values["externalBroker"]["url"]}
    config = find(manifests, "ConfigMap", "gw-groundwork")["data"]
    assert config["GROUNDWORK_PUBLIC_URL"] == "https://groundwork.example.com"
    assert config["GROUNDWORK_COOKIE_SECURE"] == "true"
    assert config["GROUNDWORK_MLFLOW_TRACKING_URI"] == "https://mlflow.internal.example.com"
    assert config["GROUNDWORK_MLFLOW_UI_URL"] == "https://mlflow.example.com"
    assert config["GROUNDWORK_SIGNED_URL_TTL_S"] == "600"
    api_hpa = find(manifests, "HorizontalPodAutoscaler", "gw-groundwork-api")
    assert api_hpa["spec"]["minReplicas"] == 2
    assert "replicas" not in find(manifests, "Deployment", "gw-groundwork-api")["spec"]  # the HPA owns it
    ingress = find(manifests, "Ingress", "gw-groundwork-api")
    assert ingress["spec"]["tls"][0]["secretName"] == "groundwork-tls"
    # the user's own token Secret: no token Job, no RBAC
    assert not [m for m in manifests if m["kind"] in ("Role", "RoleBinding")]
    worker = find(manifests, "Deployment", "gw-groundwork-worker-cpu")["spec"]["template"]["spec"]["containers"][0]
    token = next(e for e in worker["env"] if e["name"] == "GROUNDWORK_SERVICE_TOKEN")
    assert token["valueFrom"]["secretKeyRef"] == {"name": "groundwork-service-token", "key": "token"}


def test_external_database_needs_a_url(chart: helm.Chart) -> None:
    with pytest.raises(helm.HelmRenderError, match=r"externalDatabase\.url is required"):
        chart.render({"postgresql": {"enabled": False}}, name="gw")
    with pytest.raises(helm.HelmRenderError, match=r"externalBroker\.url is required"):
        chart.render({"rabbitmq": {"enabled": False}}, name="gw")


def hook(manifest: Manifest) -> str | None:
    annotations: dict[str, str] = manifest["metadata"].get("annotations") or {}
    return annotations.get("helm.sh/hook")


@pytest.mark.parametrize(("scenario", "install"), [("external", True), ("external", False), ("default", False)])
def test_migrations_run_as_a_pre_install_pre_upgrade_hook(render: Render, scenario: str, install: bool) -> None:
    manifests = render(scenario_values(scenario), install=install)
    job = find(manifests, "Job", "gw-groundwork-migrate")
    assert hook(job) == "pre-install,pre-upgrade"
    assert containers(job)[-1]["command"] == ["groundwork", "migrate"]
    # Everything a hook needs exists before the release's own objects: its Secret and RBAC are hooks too,
    # ordered before it; the token Job runs after the migrations.
    weight = {(m["kind"], m["metadata"]["name"]): int(m["metadata"]["annotations"]["helm.sh/hook-weight"])
              for m in manifests if hook(m) == "pre-install,pre-upgrade"}
    secret_ref = next(e for e in containers(job)[-1]["env"] if e["name"] == "GROUNDWORK_DATABASE_URL")
    secret_name = secret_ref["valueFrom"]["secretKeyRef"]["name"]
    assert weight[("Secret", secret_name)] < weight[("Job", "gw-groundwork-migrate")]
    assert "serviceAccountName" not in job["spec"]["template"]["spec"]  # the release's account does not exist yet
    if scenario == "default":
        assert weight[("Job", "gw-groundwork-migrate")] < weight[("Job", "gw-groundwork-service-token")]
        assert weight[("Role", "gw-groundwork-service-token")] < weight[("Job", "gw-groundwork-service-token")]


def test_first_install_with_in_chart_postgresql_migrates_in_a_plain_job(render: Render) -> None:
    manifests = render(install=True)
    assert not [m for m in manifests if hook(m) not in (None, "test")]
    job = find(manifests, "Job", "gw-groundwork-migrate-install")
    assert containers(job)[0]["name"] == "wait-for-postgresql"
    token_job = find(manifests, "Job", "gw-groundwork-service-token-install")
    assert "groundwork migrate --check" in containers(token_job)[0]["command"][-1]
    api = find(manifests, "Deployment", "gw-groundwork-api")
    assert "groundwork migrate --check" in containers(api)[0]["command"][-1]


def test_workers_get_no_database_credentials(render: Render) -> None:
    for manifest in render(values_file("gpu-values.yaml")):
        if manifest["kind"] != "Deployment" or not manifest["metadata"]["name"].startswith(
                ("gw-groundwork-worker", "gw-groundwork-orchestrator")):
            continue
        worker = containers(manifest)[0]
        assert env_names(worker) >= {"GROUNDWORK_BROKER_URL", "GROUNDWORK_SERVICE_TOKEN"}
        assert not env_names(worker) & {"GROUNDWORK_DATABASE_URL", "GROUNDWORK_SECRET_KEY"}
        probe = worker["livenessProbe"]["exec"]["command"]
        assert probe[:3] == ["groundwork", "worker", "--probe"]


def test_pods_run_as_non_root_with_read_only_root(render: Render) -> None:
    for manifest in workloads(render(values_file("gpu-values.yaml"), install=False)):
        pod = manifest["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, manifest["metadata"]["name"]
        for container in containers(manifest):
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            if manifest["kind"] != "StatefulSet":  # PostgreSQL and RabbitMQ write beside their data
                assert security["readOnlyRootFilesystem"] is True, manifest["metadata"]["name"]


def test_generated_secrets_agree_between_the_hook_copy_and_the_release_secret(render: Render) -> None:
    manifests = render(install=False)
    hooks = find(manifests, "Secret", "gw-groundwork-hooks")["data"]
    release = find(manifests, "Secret", "gw-groundwork")["data"]
    for key in ("secret-key", "database-url", "broker-url"):
        assert hooks[key] == release[key]
    assert len(base64.b64decode(release["secret-key"])) >= 32
    password = base64.b64decode(release["postgres-password"]).decode()
    assert password in base64.b64decode(release["database-url"]).decode()


def test_existing_secret_replaces_the_chart_secret(render: Render) -> None:
    manifests = render({"existingSecret": "my-groundwork"}, install=False)
    assert not [m for m in manifests if m["kind"] == "Secret"]
    api = containers(find(manifests, "Deployment", "gw-groundwork-api"))[-1]
    refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in api["env"] if "valueFrom" in e}
    assert refs == {"my-groundwork"}
    postgres = containers(find(manifests, "StatefulSet", "gw-groundwork-postgresql"))[0]
    assert postgres["env"][2]["valueFrom"]["secretKeyRef"] == {"name": "my-groundwork", "key": "postgres-password"}


@pytest.mark.parametrize("bad", [
    {"workers": {"queues": {"gpu": {"gpuCount": 0}}}},
    {"workers": {"queues": {"GPU_Big": {"concurrency": 1}}}},
    {"api": {"replicaCount": "two"}},
    {"secretKey": "too-short"},
    {"externalDatabase": {"url": "mysql://db/groundwork"}},
    {"api": {"persistence": {"accessModes": ["ReadWriteSometimes"]}}},
    {"replicas": 3},  # a typo of a top-level key
], ids=["gpu-count", "queue-name", "replicas-type", "short-secret", "db-scheme", "access-mode", "unknown-key"])
def test_values_schema_rejects_bad_values(chart: helm.Chart, bad: dict[str, Any]) -> None:
    with pytest.raises(helm.HelmValuesError):
        chart.validate_schema(bad)
    with pytest.raises(helm.HelmValuesError):  # install and template refuse them the same way
        chart.render(bad, name="gw")


def test_example_values_pass_the_schema(chart: helm.Chart) -> None:
    for scenario in SCENARIOS:
        chart.validate_schema(scenario_values(scenario))


def test_values_yaml_documents_every_field() -> None:
    """Each setting has a `# --` comment right above it (helm-docs style); sections may go without one."""
    lines = (CHART / "values.yaml").read_text().splitlines()
    undocumented: list[str] = []

    def visit(node: yaml.Node, path: str) -> None:
        assert isinstance(node, yaml.MappingNode)
        for key, value in node.value:
            name = f"{path}.{key.value}" if path else key.value
            line = key.start_mark.line
            documented = line > 0 and lines[line - 1].strip().startswith("#")
            if documented:
                continue  # a documented setting: what is inside it is its value
            if isinstance(value, yaml.MappingNode) and value.value:
                visit(value, name)
            else:
                undocumented.append(name)

    visit(yaml.compose((CHART / "values.yaml").read_text()), "")
    assert undocumented == []


def test_notes_tell_how_to_log_in_and_warn_about_shared_volumes(render_files: Callable[..., dict[str, str]]) -> None:
    notes = render_files({"api": {"replicaCount": 3}})["groundwork/templates/NOTES.txt"]
    assert "kubectl -n team exec deploy/gw-groundwork-api -- cat /data/admin-password.txt" in notes
    assert "not ReadWriteMany" in notes
    gpu_notes = render_files(values_file("gpu-values.yaml"))["groundwork/templates/NOTES.txt"]
    assert "GPU executors (gpu)" in gpu_notes
