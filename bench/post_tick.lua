-- The self-check tick POST, as the step page's script sends it: a signed-in learner,
-- the CSRF cookie and token, JSON back. Alternates tick and untick so each request writes.
-- Set by run.py through the environment: BENCH_PATH, BENCH_COOKIE, BENCH_TOKEN.
local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("BENCH_COOKIE")
local token = os.getenv("BENCH_TOKEN")
local n = 0

request = function()
  n = n + 1
  local body = "csrfmiddlewaretoken=" .. token .. "&ticked=" .. (n % 2)
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, body)
end
