"""The OpenAPI document covers every resource family and documents the error envelope."""

from fastapi.testclient import TestClient


def test_openapi_lists_every_resource_family(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    expected = [
        "/api/v1/projects", "/api/v1/projects/{project_id}/members", "/api/v1/projects/{project_id}/schemas",
        "/api/v1/projects/{project_id}/files", "/api/v1/projects/{project_id}/datasets",
        "/api/v1/projects/{project_id}/files/{file_id}/annotations",
        "/api/v1/projects/{project_id}/annotations/{annotation_id}/versions",
        "/api/v1/projects/{project_id}/annotations/bulk", "/api/v1/projects/{project_id}/tasks",
        "/api/v1/projects/{project_id}/tasks/next", "/api/v1/tokens", "/api/v1/auth/login",
    ]
    missing = [p for p in expected if p not in paths]
    assert missing == []
    assert "ErrorEnvelope" in doc["components"]["schemas"]
    create = paths["/api/v1/projects/{project_id}/annotations/bulk"]["post"]
    assert "422" in create["responses"] and "409" in create["responses"]
    body_schema = doc["components"]["schemas"]["BulkWrite"]
    assert body_schema.get("examples"), "request bodies carry examples"
