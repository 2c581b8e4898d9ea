import pytest
from flask import abort


@pytest.fixture
def fragile_app(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    @app.route("/forbidden")
    def forbidden():
        abort(403)

    return app


def test_500_is_a_chinese_page_without_a_traceback(fragile_app, caplog):
    r = fragile_app.test_client().get("/boom")
    html = r.get_data(as_text=True)
    assert r.status_code == 500 and "服务器错误" in html
    assert "Traceback" not in html and "hunter2" not in html and "RuntimeError" not in html
    assert "secret internals" in caplog.text  # logged for the operators


def test_413_is_a_chinese_page(fragile_app):
    r = fragile_app.test_client().post("/account/login", data={"phone": "x" * 5000})
    assert r.status_code == 413 and "上传文件过大" in r.get_data(as_text=True)


def test_403_and_404_are_chinese_pages(fragile_app):
    client = fragile_app.test_client()
    assert "无权访问" in client.get("/forbidden").get_data(as_text=True)
    r = client.get("/nowhere")
    assert r.status_code == 404 and "页面不存在" in r.get_data(as_text=True)


def test_errors_answer_json_to_json_clients(fragile_app):
    r = fragile_app.test_client().get("/nowhere", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert r.get_json() == {"ok": False, "message": "页面不存在或已被删除。"}


def test_an_uncommon_status_keeps_its_code(fragile_app):
    @fragile_app.route("/gone")
    def gone():
        abort(410)

    r = fragile_app.test_client().get("/gone")
    assert r.status_code == 410 and "请求错误" in r.get_data(as_text=True)
