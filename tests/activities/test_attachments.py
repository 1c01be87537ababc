"""Attachments: allowlist plus magic bytes, generated names, downloads as attachments only,
size limit, soft and audited deletion, downloads only for those who may see the activity."""

import io
import os
from pathlib import Path

import sqlalchemy as sa

from council.activities.models import Attachment
from council.audit.models import AuditEntry
from council.extensions import db
from tests.activities.conftest import PDF, PNG, ooxml


def _upload(client, activity, content: bytes, name: str):
    return client.post(
        f"/activities/{activity.id}/attachments",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _get(client, url):
    """GET and close the response: a download streams its file, which must be released."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _attachments():
    db.session.expire_all()
    return db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()


def _files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"]).parent
    return [p for p in root.rglob("*") if p.is_file() and p.suffix != ".db"]


def test_agenda_pdf_upload_and_download(app, sec_client, make_activity):
    activity = make_activity()
    response = _upload(sec_client, activity, PDF, "議事次第.pdf")
    assert response.status_code == 302
    (attachment,) = _attachments()
    assert attachment.original_name == "議事次第.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    stored = Path(app.config["UPLOAD_FOLDER"]) / "attachments" / attachment.stored_name
    assert stored.read_bytes() == PDF
    assert "議事次第" not in attachment.stored_name and len(attachment.stored_name) == 32
    assert not any(p.name.startswith(".tmp-") for p in stored.parent.iterdir())
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "議事次第.pdf" in page
    download = _get(sec_client, f"/activities/{activity.id}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.data == PDF
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E6%AC%A1%E7%AC%AC.pdf" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download.mimetype == "application/pdf"


def test_a_traversal_name_is_stored_under_a_generated_name_and_only_downloaded(
    app, sec_client, make_activity
):
    activity = make_activity()
    hostile = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>"
    before = set(_files(app))
    # An HTML file is refused outright, whatever its path.
    response = _upload(sec_client, activity, b"<script>alert(1)</script>", "../../evil.html")
    assert response.status_code == 400
    assert "「.html」のファイルは添付できません" in response.get_data(as_text=True)
    # A PDF-looking file with the same traversal name is kept under a generated name.
    response = _upload(sec_client, activity, hostile, "../../evil.pdf")
    assert response.status_code == 302
    (attachment,) = _attachments()
    assert attachment.original_name == "evil.pdf"
    created = set(_files(app)) - before
    folder = Path(app.config["UPLOAD_FOLDER"]) / "attachments"
    assert created == {folder / attachment.stored_name}
    assert not (Path(app.config["UPLOAD_FOLDER"]).parent.parent / "evil.pdf").exists()
    download = _get(sec_client, f"/activities/{activity.id}/attachments/{attachment.id}")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"


def test_header_breaking_names_are_neutralised(app, sec_client, make_activity):
    from council.activities.attachments import display_name, store_attachment

    assert display_name('a"b;\r\nSet-Cookie: x=1\r\n.pdf') == 'a"b;Set-Cookie: x=1.pdf'
    assert display_name("C:\\Users\\tanaka\\議事録.pdf") == "議事録.pdf"
    assert display_name("..\\..\\evil.pdf") == "evil.pdf"
    assert display_name("\u202egnp.pdf") == "gnp.pdf"  # no bidi overrides either
    assert len(display_name("長" * 300 + ".pdf")) == 255
    assert display_name("長" * 300 + ".pdf").endswith(".pdf")
    activity = make_activity()
    # (Browsers send a quote in a file name as %22; the service is given the raw name here.)
    store_attachment(
        activity,
        io.BytesIO(PDF),
        'a"b;c=d.pdf',
        actor=None,
        upload_folder=app.config["UPLOAD_FOLDER"],
    )
    db.session.commit()
    (attachment,) = _attachments()
    download = _get(sec_client, f"/activities/{activity.id}/attachments/{attachment.id}")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert '\\"' in disposition or "%22" in disposition  # the quote cannot end the value


def test_extension_and_content_must_agree(sec_client, make_activity):
    activity = make_activity()
    cases = [
        (PDF, "agenda.png", "一致しません"),
        (PNG, "agenda.pdf", "一致しません"),
        (b"MZ\x90\x00", "setup.exe", "添付できません"),
        (ooxml("xl/"), "memo.docx", "一致しません"),
        (PDF, "agenda", "拡張子がありません"),
        (b"", "empty.pdf", "空のファイル"),
    ]
    for content, name, message in cases:
        response = _upload(sec_client, activity, content, name)
        assert response.status_code == 400, name
        assert message in response.get_data(as_text=True), name
    for content, name in (
        (PNG, "写真.PNG"),
        (ooxml("word/"), "議事録案.docx"),
        (ooxml("xl/"), "名簿.xlsx"),
        (ooxml("ppt/"), "説明資料.pptx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16, "旧形式.xls"),
        (b"GIF89a" + b"\x00" * 8, "図.gif"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 8, "会場.jpg"),
    ):
        assert _upload(sec_client, activity, content, name).status_code == 302, name
    assert len(_attachments()) == 7


def test_a_file_over_the_limit_gets_a_clear_message(app, sec_client, make_activity):
    activity = make_activity()
    over = b"%PDF-" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    # A hand-made multipart body: the test client would spool a large one to a temporary file
    # that it never closes.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + over + b"\r\n--B--\r\n"
    )
    response = sec_client.post(
        f"/activities/{activity.id}/attachments",
        data=body,
        content_type="multipart/form-data; boundary=B",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "ファイルが大きすぎます" in page and "20MB" in page
    assert f"/activities/{activity.id}" in page
    assert _attachments() == []
    assert not list((Path(app.config["UPLOAD_FOLDER"])).rglob("*.tmp*"))


def test_the_service_limit_refuses_without_leaving_a_file(app, sec_client, make_activity):
    """A limit below the request limit (e.g. a smaller per-file limit) is explained next to the
    field and leaves no partial file behind."""
    from council.activities import attachments

    activity = make_activity()
    folder = app.config["UPLOAD_FOLDER"]
    try:
        attachments.store_attachment(
            activity, io.BytesIO(PDF * 10), "x.pdf", actor=None, upload_folder=folder, max_bytes=100
        )
    except attachments.UploadRefused as refused:
        assert str(refused) == "ファイルが大きすぎます。添付できるのは1ファイル100バイトまでです。"
    else:
        raise AssertionError("not refused")
    assert os.listdir(Path(folder) / "attachments") == []


def test_member_of_another_block_cannot_download(
    make_user, client, login_as, make_activity, app, secretariat, member
):
    activity = make_activity(visibility="members")
    login_as(secretariat)
    _upload(client, activity, PDF, "資料.pdf")
    (attachment,) = _attachments()
    url = f"/activities/{activity.id}/attachments/{attachment.id}"
    other = login_as(make_user(role="member", agency="近畿総合通信局"), c=app.test_client())
    assert _get(other, url).status_code == 404
    own = login_as(member, c=app.test_client())
    assert _get(own, url).status_code == 200
    # anonymous: asked to log in (the file may be theirs once signed in)
    assert _get(app.test_client(), url).status_code == 302
    # The attachment id must belong to the activity in the URL.
    public = make_activity(title="公開セミナー", visibility="public", category="results")
    assert _get(other, f"/activities/{public.id}/attachments/{attachment.id}").status_code == 404


def test_soft_delete_is_audited_and_hides_the_file(app, sec_client, make_activity):
    activity = make_activity()
    _upload(sec_client, activity, PDF, "差し替え前.pdf")
    (attachment,) = _attachments()
    response = sec_client.post(f"/activities/{activity.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 302
    (attachment,) = _attachments()
    assert attachment.deleted_at is not None and attachment.deleted_by_id is not None
    assert (Path(app.config["UPLOAD_FOLDER"]) / "attachments" / attachment.stored_name).exists()
    url = f"/activities/{activity.id}/attachments/{attachment.id}"
    page = sec_client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert f'href="{url}"' not in page and "添付ファイルはありません" in page
    assert _get(sec_client, url).status_code == 404
    assert sec_client.post(url + "/delete").status_code == 404
    entry = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "Attachment", AuditEntry.action == "delete"
        )
    ).one()
    assert entry.object_label == "差し替え前.pdf"


def test_upload_without_a_file_is_explained(sec_client, make_activity):
    activity = make_activity()
    response = sec_client.post(f"/activities/{activity.id}/attachments", data={})
    assert response.status_code == 400
    assert "添付するファイルを選んでください" in response.get_data(as_text=True)
