"""The seed web app's routes, kept for its clients: each answers as its ``/api/v1/`` twin.

The seed served ``POST /learn``, ``/game/*``, ``/community/*`` and ``/uploads/*``; here they
are the same views under their old names (same JSON, same errors, same CSRF rule).
"""

from __future__ import annotations

from flask import Blueprint

from . import api

seed = Blueprint("seed", __name__)

seed.add_url_rule("/learn", "learn", api.lesson, methods=["POST"])
seed.add_url_rule("/game/categories", "game_categories", api.categories, methods=["GET"])
seed.add_url_rule("/game/next", "game_next", api.challenge_next, methods=["POST"])
seed.add_url_rule("/game/answer", "game_answer", api.challenge_answer, methods=["POST"])
seed.add_url_rule("/game/stats", "game_stats", api.stats, methods=["GET"])
seed.add_url_rule(
    "/game/leaderboard",
    "game_leaderboard",
    api.leaderboard,
    methods=["GET"],
    defaults={"default_board": "game"},
)
seed.add_url_rule("/community/explanations", "community_feed", api.community, methods=["GET"])
seed.add_url_rule("/community/submit", "community_submit", api.teach, methods=["POST"])
seed.add_url_rule(
    "/community/upvote/<explanation_id>", "community_upvote", api.upvote, methods=["POST"]
)
seed.add_url_rule(
    "/community/leaderboard", "community_leaderboard", api.leaderboard, methods=["GET"]
)
seed.add_url_rule("/uploads", "uploads", api.upload, methods=["POST"])
seed.add_url_rule("/uploads/<doc_id>", "uploads_original", api.original, methods=["GET"])


__all__ = ["seed"]
