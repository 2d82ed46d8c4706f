"""The web app's calls to the services: get_together sends them side by side, each as the
signed-in person with the request's correlation id, and answers in the order asked."""
import threading

import pytest
from flask import Flask, session
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from govmb.context import set_correlation_id
from web.client import ServiceClient, ServiceUnavailable, get_together

CALLS = 3


@pytest.fixture
def service():
    """A service that answers a GET only once CALLS of them are in flight together (a barrier):
    calls made one after the other would time out there and get 504."""
    barrier = threading.Barrier(CALLS, timeout=5)

    @Request.application
    def answer(request):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return Response("not together", status=504)
        return Response(f"{request.path} {request.headers.get('Authorization')} {request.headers.get('X-Correlation-ID')}")

    server = make_server("127.0.0.1", 0, answer, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_calls_go_together_as_the_person_and_answer_in_order(service):
    app = Flask(__name__)
    app.secret_key = "test"
    app.extensions["govmb_clients"] = {"inquiry": ServiceClient(service), "assessment": ServiceClient(service)}
    with app.test_request_context():
        session["token"] = "t0ken"
        set_correlation_id("abc123")
        answers = get_together(("inquiry", "/one", {}), ("assessment", "/two", {"x": None}), ("inquiry", "/three", {}))
    assert [r.status_code for r in answers] == [200] * CALLS
    assert [r.text for r in answers] == [f"/{n} Bearer t0ken abc123" for n in ("one", "two", "three")]


def test_a_service_that_does_not_answer_is_said():
    app = Flask(__name__)
    app.secret_key = "test"
    app.extensions["govmb_clients"] = {"inquiry": ServiceClient("http://127.0.0.1:9", timeout=1)}
    with app.test_request_context(), pytest.raises(ServiceUnavailable):
        get_together(("inquiry", "/one", {}))
