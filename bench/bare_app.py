"""The baseline beside the intake benchmark: a bare Flask endpoint that takes the same JSON,
one message a request or a batch of them, and answers with an id for each."""
from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/api/intake/messages")
    def take():
        body = request.get_json()
        return jsonify(id=1, text=body.get("text")), 201

    @app.post("/api/intake/messages/batch")
    def take_batch():
        body = request.get_json()
        return jsonify(received=[{"id": i} for i, _ in enumerate(body["messages"])]), 201

    return app
