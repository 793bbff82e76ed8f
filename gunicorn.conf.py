"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py roadmap_site.wsgi`.

Every value can be overridden from the environment, so one file serves
`make serve`, the benchmark, the two-server test and real deployments.
"""

import os

bind = os.getenv("GUNICORN_BIND", f"{os.getenv('HOST', '127.0.0.1')}:{os.getenv('PORT', '8000')}")
# Two workers per core is plenty for a site whose public pages come from Redis.
workers = int(os.getenv("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
# Threads give keep-alive connections (the reverse proxy reuses them) and keep a
# worker busy while one request waits on PostgreSQL or Redis.
worker_class = "gthread"
threads = int(os.getenv("GUNICORN_THREADS", "4"))
keepalive = 5
# Connections one worker holds at once (gunicorn's default: 1000). The benchmark
# sets it to its connections per worker: with keep-alive, one worker could
# otherwise accept all 32 of wrk's connections and leave the other idle.
worker_connections = int(os.getenv("GUNICORN_WORKER_CONNECTIONS", "1000"))
timeout = int(os.getenv("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycling workers (GUNICORN_MAX_REQUESTS) guards against a slow leak, but each
# recycle stalls the requests queued on that worker while Django starts again:
# at 5,000 it happened every few seconds under load and set the p99 latency. Off
# unless asked for; the app is not known to leak.
max_requests = int(os.getenv("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# Oversized request lines and headers get a 400 from gunicorn before Django.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Trust X-Forwarded-* only from the reverse proxy in front (loopback by default).
forwarded_allow_ips = os.getenv("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.getenv("GUNICORN_ACCESS_LOG") or None  # "-" for stdout
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")
proc_name = "roadmap"
wsgi_app = "roadmap_site.wsgi:application"
