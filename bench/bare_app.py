"""The baseline beside the intake benchmark: a bare Flask endpoint that takes the same JSON."""
from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/api/messages")
    def take():
        body = request.get_json()
        return jsonify(id=1, text=body.get("text")), 201

    return app
