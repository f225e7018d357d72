"""Web mode: a thin Flask adapter over the Core and one Session per request.

``create_app`` (in ``app``) builds the app; ``serve`` runs it under gunicorn. Flask is
imported only by web mode (``pip install 'learnplat[web]'``).
"""
