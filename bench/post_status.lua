-- A POST as the page's scripts send it: a signed-in learner, the CSRF cookie and
-- token, JSON back. Cycles through values so each request writes: statuses for the
-- status POST, tick and untick for the self-check POST.
-- Set by run.py through the environment: BENCH_PATH, BENCH_COOKIE, BENCH_TOKEN, and
-- BENCH_FIELD with BENCH_VALUES (space-separated; default: status, three statuses).
local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("BENCH_COOKIE")
local token = os.getenv("BENCH_TOKEN")
local field = os.getenv("BENCH_FIELD") or "status"
local values = {}
for value in string.gmatch(os.getenv("BENCH_VALUES") or "done in_progress skipped", "%S+") do
  values[#values + 1] = value
end
local n = 0

request = function()
  n = n + 1
  local body = "csrfmiddlewaretoken=" .. token .. "&" .. field .. "=" .. values[(n % #values) + 1]
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, body)
end
