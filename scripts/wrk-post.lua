-- wrk script of scripts/bench: a server function call the way the hydrated app makes it, a
-- form-encoded POST (no arguments). Origin and Cookie come from wrk's -H options: server
-- functions refuse a POST without a same-origin Origin.
wrk.method = "POST"
wrk.body = ""
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
