"""The fake Sheets API answers in the real API's shapes: gspread's recorded cassettes, replayed.

Each Sheets request recorded by gspread's own test suite against Google is sent to the fake,
starting from the same new spreadsheet; the fake's answer must match the recorded one
(statuses, keys, ranges, values), ids that Google picks at random aside.
"""

import json
from pathlib import Path

import pytest
import requests
from fake_sheets import TOKEN

CASSETTES = Path(__file__).resolve().parent / "cassettes" / "gspread"  # gspread's recorded responses (MIT)
RANDOM_IDS = {"sheetId", "protectedRangeId"}
ACCOUNT = {"editors"}  # who may edit a protected range: the recording account


def masked(value):
    if isinstance(value, dict):
        return {
            k: ("<id>" if k in RANDOM_IDS else "<account>" if k in ACCOUNT else masked(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def comparable(path: str, body: dict) -> dict:
    """What of an answer the fake must reproduce exactly."""
    if "values" not in path and ":" not in path.split("/")[-1]:  # spreadsheets.get
        return {
            "spreadsheetId": body["spreadsheetId"],
            "title": body["properties"]["title"],
            "sheets": masked(body["sheets"]),
        }
    return masked(body)


def contained(ours, recorded) -> bool:
    """Every field of `ours` is in `recorded` with the same value; lists item by item, same length."""
    if isinstance(ours, dict):
        return isinstance(recorded, dict) and all(k in recorded and contained(v, recorded[k]) for k, v in ours.items())
    if isinstance(ours, list):
        return (
            isinstance(recorded, list)
            and len(ours) == len(recorded)
            and all(contained(a, b) for a, b in zip(ours, recorded, strict=True))
        )
    return ours == recorded


def with_recorded_ids(body: str, recorded: dict) -> str:
    """Google picked the new sheets' ids; replay them as the client's choice so later requests match."""
    data = json.loads(body)
    for request, reply in zip(data.get("requests", []), recorded.get("replies", []), strict=False):
        if "addSheet" in request and "addSheet" in reply:
            request["addSheet"]["properties"]["sheetId"] = reply["addSheet"]["properties"]["sheetId"]
    return json.dumps(data)


def replay(fake, cassette: Path) -> int:
    compared = 0
    for interaction in json.loads(cassette.read_text())["interactions"]:
        request, response = interaction["request"], interaction["response"]
        uri, recorded_text = request["uri"], response["body"]["string"]
        if "www.googleapis.com/drive" in uri:
            if request["method"] == "POST":
                created = json.loads(recorded_text)
                fake.create(created["id"], created["name"])
            continue
        recorded = json.loads(recorded_text) if recorded_text else {}
        body = request["body"]
        if body and ":batchUpdate" in uri and "values:" not in uri:
            body = with_recorded_ids(body, recorded)
        answer = requests.request(
            request["method"],
            uri,
            data=body,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        assert answer.status_code == response["status"]["code"], (uri, answer.text)
        path = uri.split("/v4/spreadsheets/")[1].split("?")[0]
        if "fields=sheets.data" in uri:  # grid data read back: Google adds the *Style twin of each colour
            assert contained(answer.json(), recorded), (uri, answer.text)
        else:
            assert comparable(path, answer.json()) == comparable(path, recorded), uri
        compared += 1
    return compared


@pytest.mark.parametrize("cassette", sorted(CASSETTES.glob("*.json")), ids=lambda p: p.stem)
def test_fake_answers_like_the_recorded_api(fake_sheets, cassette):
    assert replay(fake_sheets, cassette) >= 4


def test_unknown_range_is_a_400(fake_sheets):
    fake_sheets.create("s1", "t")
    answer = requests.get(
        "https://sheets.googleapis.com/v4/spreadsheets/s1/values:batchGet",
        params={"ranges": "'Nope'!A1"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_batch_update_is_atomic(fake_sheets):
    fake_sheets.create("s1", "t")
    before = fake_sheets.snapshot("s1")
    answer = requests.post(
        "https://sheets.googleapis.com/v4/spreadsheets/s1:batchUpdate",
        json={
            "requests": [{"addSheet": {"properties": {"title": "New"}}}, {"addSheet": {"properties": {"title": "New"}}}]
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code == 400 and "already exists" in answer.json()["error"]["message"]
    assert fake_sheets.snapshot("s1") == before


def test_writes_beyond_the_grid_are_refused(fake_sheets):
    fake_sheets.create("s1", "t")
    answer = requests.post(
        "https://sheets.googleapis.com/v4/spreadsheets/s1:batchUpdate",
        json={
            "requests": [
                {
                    "updateCells": {
                        "start": {"sheetId": 0, "rowIndex": 1000, "columnIndex": 0},
                        "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                        "fields": "*",
                    }
                }
            ]
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code == 400 and "exceeds grid limits" in answer.json()["error"]["message"]


def test_spreadsheets_get_answers_only_the_masked_fields(fake_sheets):
    """A field mask keeps only what it names, with grid data only when it names sheets.data."""
    fake_sheets.create("s1", "t", {"Trips": [["Date", "Km"], [45000, 12.5], [None, "x"]]})
    headers = {"Authorization": f"Bearer {TOKEN}"}
    url = "https://sheets.googleapis.com/v4/spreadsheets/s1"
    masked = requests.get(
        url,
        params={"fields": "properties.title,sheets(properties.title,data.rowData.values.effectiveValue)"},
        headers=headers,
    ).json()
    assert masked == {
        "properties": {"title": "t"},
        "sheets": [
            {
                "properties": {"title": "Trips"},
                "data": [
                    {
                        "rowData": [
                            {
                                "values": [
                                    {"effectiveValue": {"stringValue": "Date"}},
                                    {"effectiveValue": {"stringValue": "Km"}},
                                ]
                            },
                            {
                                "values": [
                                    {"effectiveValue": {"numberValue": 45000}},
                                    {"effectiveValue": {"numberValue": 12.5}},
                                ]
                            },
                            {"values": [{}, {"effectiveValue": {"stringValue": "x"}}]},
                        ]
                    }
                ],
            }
        ],
    }
    described = requests.get(url, params={"fields": "sheets.properties.title"}, headers=headers).json()
    assert described == {"sheets": [{"properties": {"title": "Trips"}}]}
