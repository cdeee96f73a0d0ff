"""Production server settings for `make run` (gunicorn): sized for a CPU-bound solver on 2 cores.

Each solve uses one CP-SAT thread (data/rules.toml [solver] num_workers = 1), and each sync worker serves
one request at a time, so worker processes × solver threads = cores: no oversubscription. Measured with
bench/load.py (README): gthread workers with keep-alive let one worker take every connection while the
other idled (0.82 vs 0.01 cores busy), and frequent recycling cost ~3 s of CPU per restart; sync workers
spread requests evenly across both cores. Sync workers expect a buffering proxy in front for slow
clients on the open internet. The app is imported once per worker (no preload), never in the master.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30            # well above the solver's 2 s wall-clock limit
graceful_timeout = 10
keepalive = 5
max_requests = 20000    # recycle workers now and then (a restart costs ~3 s of CPU), staggered by the jitter
max_requests_jitter = 2000
control_socket_disable = True   # gunicorn 25's shared ~/.gunicorn control socket clashes between instances
preload_app = False
accesslog = None        # the app logs one JSON line per request itself (no paths with tokens)
errorlog = "-"
loglevel = "info"
limit_request_line = 4094
limit_request_fields = 60
