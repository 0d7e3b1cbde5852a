-- wrk script for bench/edge.sh: one public path of the gateway, users rotating where the path takes a user.
--   MODE=whoami   GET  /api/v1/whoami
--   MODE=ofrep    POST /ofrep/v1/evaluate/flags   {"context": {"targetingKey": "user-N", ...}}  (OFREP_PATH: another path)
--   MODE=assign   POST /api/v1/assign             {"attributes": {"id": "user-N", "country": ...}}
--   MODE=surveys  POST /api/v1/surveys/next       BODY (one person who has answered every survey)
-- KEY is the Authorization header's value; USERS (default 1000) how many users rotate.
-- done() prints one line: RESULT rps=... p50_ms=... p90_ms=... p99_ms=... p999_ms=... errors=... (4xx/5xx included)
local mode = os.getenv("MODE") or "whoami"
local key = os.getenv("KEY")
local users = tonumber(os.getenv("USERS") or "1000")
local countries = { "US", "NL", "BE", "DE", "NO" }
local requests = {}
local next_request = 0

function init(args)
  local headers = { ["Authorization"] = key, ["Content-Type"] = "application/json" }
  for i = 1, users do
    local user = "user-" .. i
    local country = countries[i % #countries + 1]
    if mode == "whoami" then
      requests[i] = wrk.format("GET", "/api/v1/whoami", { ["Authorization"] = key }, nil)
    elseif mode == "ofrep" then
      requests[i] = wrk.format("POST", os.getenv("OFREP_PATH") or "/ofrep/v1/evaluate/flags", headers,
        '{"context":{"targetingKey":"' .. user .. '","email":"' .. user .. '@example.com","country":"' ..
        country .. '","plan":"pro","appVersion":"2.5.0","age":30}}')
    elseif mode == "assign" then
      requests[i] = wrk.format("POST", "/api/v1/assign", headers,
        '{"attributes":{"id":"' .. user .. '","country":"' .. country .. '"},"url":"https://example.com/app"}')
    elseif mode == "surveys" then
      requests[i] = wrk.format("POST", "/api/v1/surveys/next", headers, os.getenv("BODY"))
    else
      error("unknown MODE " .. mode)
    end
  end
end

function request()
  next_request = next_request % users + 1
  return requests[next_request]
end

function done(summary, latency, requests_done)
  local ms = function(us) return string.format("%.3f", us / 1000) end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), ms(latency:percentile(50)), ms(latency:percentile(90)),
    ms(latency:percentile(99)), ms(latency:percentile(99.9)), summary.requests, errors + summary.errors.status))
end
