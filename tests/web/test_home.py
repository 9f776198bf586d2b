def test_home_page_names_the_project(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"ClusterLab" in response.content
    assert b"kubectl" in response.content


def test_home_page_opens_the_playground_and_lists_presets_and_lessons(client):
    page = client.get("/").content.decode()
    assert 'href="/playground/"' in page and "Open the playground" in page
    for title in ("3 empty worker nodes", "The ML recommendation system", "A 100-node cluster"):
        assert title in page
    assert 'name="preset" value="ml-recsys"' in page
    assert "Why distribute?" in page and "The whole picture" in page
    for number, slug in ((1, "01-why-distribute"), (12, "12-whole-picture")):
        assert f'<li value="{number}"><a href="/learn/{slug}/">' in page
