from tests.conftest import client_for


def test_owner_sees_workspace_home_with_its_oa(owner, account):
    response = client_for(owner).get("/w/alpha/")
    assert response.status_code == 200
    assert "Alpha Tokyo" in response.content.decode()
