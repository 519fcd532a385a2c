import logging

from minzheng.core.pii import RedactPiiFilter, find_card_numbers, find_id_numbers, redact


def test_the_scanner_finds_valid_id_numbers_and_luhn_card_numbers_only():
    text = "/people/?q=11010519491231002X&card=6222021234567890128&n=110105194912310021&x=6222021234567890123"
    assert find_id_numbers(text) == ["11010519491231002X"]
    assert find_card_numbers(text) == ["6222021234567890128"]


def test_log_records_leave_the_process_masked():
    record = logging.LogRecord(
        "x",
        logging.WARNING,
        __file__,
        1,
        "查询 %s 卡 %s",
        ("11010519491231002X", "6222021234567890128"),
        None,
    )
    RedactPiiFilter().filter(record)
    message = record.getMessage()
    assert "11010519491231002X" not in message and "110105********002X" in message
    assert "6222021234567890128" not in message
    assert redact("no pii 12345") == "no pii 12345"


def test_nul_characters_are_refused_with_a_chinese_400_everywhere(client):
    assert client.get("/login/?next=%00").status_code == 400
    r = client.post(
        "/api/v1/auth/token", '{"username": "a\\u0000", "password": "x"}', content_type="application/json"
    )
    assert r.status_code == 400 and "非法字符" in r.json()["detail"]
    assert client.post("/login/", {"username": "a\x00b", "password": "x"}).status_code == 400
