"""The fiscal-year pickers: choices read 平成19年度 (2007), and both forms are accepted."""

import pytest


def test_the_picker_offers_era_labels_with_the_western_year(hq_client):
    page = hq_client.get("/reports/fy/2007").get_data(as_text=True)
    assert '<option value="平成19年度 (2007)">' in page
    assert '<option value="令和元年度 (2019)">' in page
    assert 'value="平成19年度 (2007)" autocomplete="off"' in page  # the current choice


@pytest.mark.parametrize("typed", ["2007", "平成19年度", "平成19年度 (2007)", "H19", "２００７"])
def test_the_picker_accepts_both_forms(hq_client, typed):
    response = hq_client.get("/reports/", query_string={"year": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/reports/fy/2007")


def test_a_range_may_be_typed_with_era_labels(hq_client):
    response = hq_client.get(
        "/reports/", query_string={"first": "平成30年度", "last": "令和元年度"}
    )
    assert response.headers["Location"].endswith("/reports/fy/2018-2019")


def test_an_unreadable_year_is_explained(hq_client):
    response = hq_client.get("/reports/", query_string={"year": "平成32年度"})
    assert response.status_code == 400
    assert "「平成19年度」または「2007」" in response.get_data(as_text=True)


def test_the_activity_list_filters_by_an_era_label(hq_client):
    page = hq_client.get("/activities/", query_string={"fy": "平成19年度"}).get_data(as_text=True)
    assert '<option value="2007" selected>平成19年度 (2007)</option>' in page
