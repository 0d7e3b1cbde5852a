-- Generic cell rate algorithm: one key per API key holding its "theoretical arrival time" (TAT) in
-- microseconds. Redis's clock is used so every gateway replica agrees on time.
-- KEYS[1] limiter key; ARGV[1] emission interval (us per request); ARGV[2] burst (requests).
-- Returns {allowed (1|0), remaining, retry_after_us}.
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tolerance = interval * (burst - 1)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local wait = tat - now - tolerance
if wait > 0 then
  return {0, 0, math.ceil(wait)}
end
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
local remaining = math.floor((tolerance - (new_tat - now) + interval) / interval)
return {1, remaining, 0}
