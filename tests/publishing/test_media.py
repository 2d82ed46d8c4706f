"""A post's pictures fetched for the platforms' adapters (services/publishing/media.py): only from
PLATFORM_MEDIA_HOSTS, no redirect, 5 MB at most, JPEG, PNG or GIF only; what cannot be fetched for
good is a refusal, what may pass a wait. Through the worker: the picture reaches Weibo."""
import pytest

from services.publishing import media
from services.publishing.connectors.contract import Rejected, Unavailable
from tests.publishing.test_feeds import serving

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def pictures_site(monkeypatch):
    with serving(monkeypatch, "PLATFORM_MEDIA_HOSTS") as server:
        yield server


def test_pictures_come_in_their_order_with_their_kind(pictures_site):
    a, b = pictures_site.serve("/a.jpg", JPEG), pictures_site.serve("/b.png", PNG)
    got = media.pictures([{"kind": "picture", "url": a}, {"kind": "link", "url": "https://www.nc.gov.cn/"},
                          {"kind": "picture", "url": b}])
    assert [(i.name, i.content_type, i.data) for i in got] == [("a.jpg", "image/jpeg", JPEG), ("b.png", "image/png", PNG)]


@pytest.mark.parametrize("path,body,status,headers,error,words", [
    ("/page.html", b"<html>not a picture</html>", 200, {}, Rejected, "不是 JPEG"),
    ("/gone.jpg", b"", 404, {}, Rejected, "无法读取（404）"),
    ("/moved.jpg", b"", 302, {"Location": "http://169.254.169.254/latest/meta-data"}, Rejected, "无法读取（302）"),
    ("/busy.jpg", b"", 503, {}, Unavailable, "暂时无法读取（503）"),
])
def test_what_is_not_a_picture_here_is_refused_and_a_passing_failure_waits(pictures_site, path, body, status, headers,
                                                                          error, words):
    url = pictures_site.serve(path, body, status, **headers)
    with pytest.raises(error) as raised:
        media.fetch(url)
    assert words in raised.value.reason
    assert [p for p, _ in pictures_site.asked] == [path]  # the redirect was not followed


def test_a_host_off_the_list_is_never_asked_and_a_large_picture_is_refused(pictures_site, monkeypatch):
    with pytest.raises(Rejected) as raised:
        media.fetch("http://127.0.0.2:9/a.jpg")
    assert "PLATFORM_MEDIA_HOSTS" in raised.value.reason
    monkeypatch.setattr(media, "MAX_BYTES", 150)
    with pytest.raises(Rejected, match="5 MB"):
        media.fetch(pictures_site.serve("/big.jpg", JPEG + b"\x00" * 200))
    assert [p for p, _ in pictures_site.asked] == ["/big.jpg"]
