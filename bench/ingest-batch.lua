-- wrk script: Segment batches of BATCH events to /v1/batch, every event with a fresh messageId, so dedupe never
-- short-cuts the work. Usage (see bench/ingest.sh):
--   WRITE_KEY=fw_client_... BATCH=100 wrk -t2 -c16 -d30s -s bench/ingest-batch.lua http://127.0.0.1:8080
local batch = tonumber(os.getenv("BATCH") or "100")
local key = os.getenv("WRITE_KEY")
local counter = 0
local thread_tag = ""

local function b64(data)
  local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  -- Unique per run and thread: the start time plus the thread's number.
  thread_tag = tostring(os.time()) .. "-" .. tostring(thread_id or 0)
  wrk.method = "POST"
  wrk.path = batch == 1 and "/v1/track" or "/v1/batch"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Basic " .. b64(key .. ":")
end

local head = '{"type":"track","event":"Order Completed","userId":"user-'
local mid = '","messageId":"'
local tail = '","timestamp":"2026-11-23T12:00:00Z","context":{"library":{"name":"wrk","version":"1"}},'
  .. '"properties":{"plan":"pro","revenue":42.5,"items":3,"currency":"EUR","path":"/checkout/confirm"}}'

function request()
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    parts[i] = head .. (counter % 10000) .. mid .. thread_tag .. "-" .. counter .. tail
  end
  local body
  if batch == 1 then
    body = parts[1]
  else
    body = '{"batch":[' .. table.concat(parts, ",") .. ']}'
  end
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("events/s: %.0f (requests/s %.0f, non-2xx %d, errors %d)\n",
    summary.requests * batch / seconds, summary.requests / seconds, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
