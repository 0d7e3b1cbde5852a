-- A token bucket shared by every gateway replica, from which each leases a few tokens at a time.
-- KEYS[1] bucket; ARGV[1] rate (tokens/s); ARGV[2] burst (capacity); ARGV[3] tokens wanted.
-- Redis's clock is used so every replica agrees on time. Returns {granted, retry_after_us (when none granted)}.
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000000)
end
local granted = math.min(wanted, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 't', string.format('%.6f', tokens), 'at', string.format('%.0f', math.max(now, at)))
-- kept until it would be full again (then it is the same as absent)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
if granted > 0 then
  return {granted, 0}
end
return {0, math.ceil((1 - tokens) * 1000000 / rate)}
