"""Production server settings for `make run` (gunicorn): sized for a CPU-bound solver on 2 cores.

Each solve uses one CP-SAT worker thread (data/rules.toml [solver] num_workers = 1), so worker processes ×
solver threads = cores: no oversubscription. Two threads per worker let a slow client or a database wait
overlap with another request's solve; the GIL is released inside CP-SAT. The app is imported once per
worker (no preload: nothing heavy is shared, and solves never run in the master).
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30            # well above the solver's 2 s wall-clock limit
graceful_timeout = 10
keepalive = 5
max_requests = 2000     # recycle workers now and then, staggered by the jitter
max_requests_jitter = 200
preload_app = False
accesslog = None        # the app logs one JSON line per request itself (no paths with tokens)
errorlog = "-"
loglevel = "info"
limit_request_line = 4094
limit_request_fields = 60
