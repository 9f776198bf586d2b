def test_home_page_names_the_project(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"ClusterLab" in response.content
    assert b"kubectl" in response.content
