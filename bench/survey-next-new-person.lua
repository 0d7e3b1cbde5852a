-- Every request a different person who has never seen a survey: each one is shown a survey (writes and an event).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"person": {"userId": "bench-' .. os.time() .. '-' .. counter .. '-' .. math.random(1e9) .. '"},'
    .. ' "url": "https://example.com/app/billing", "device": "desktop", "properties": {"plan": "pro"}}'
  return wrk.format(nil, nil, nil, body)
end
