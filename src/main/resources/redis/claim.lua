-- Claims an Idempotency-Key for a first publish, or returns what the key holds (the claim, 'pending:'
-- and the claimant's token, while the first publish runs; then its result). Keeps at most max_keys keys: an index orders them by claim
-- time, and a claim beyond the bound forgets the oldest, as the memory engine does.
-- KEYS: the key's record, the index. ARGV: claim_ttl_ms, ttl_ms, max_keys, the claim's value.
-- Returns: nil when this call claimed the key, else the record's value. The keys it forgets are not in
-- KEYS: Relay does not run on Redis Cluster (docs/operations.md).
local record, index = KEYS[1], KEYS[2]
local claim_ttl, ttl, max_keys, claim = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local value = redis.call('GET', record)
if value then
  return value
end
redis.call('SET', record, claim, 'PX', claim_ttl)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
-- index entries of keys that expired by themselves
redis.call('ZREMRANGEBYSCORE', index, '-inf', now - ttl)
redis.call('ZADD', index, now, record)
redis.call('PEXPIRE', index, ttl)
local excess = redis.call('ZCARD', index) - max_keys
if excess > 0 then
  local oldest = redis.call('ZPOPMIN', index, excess)
  for i = 1, #oldest, 2 do
    redis.call('DEL', oldest[i])
  end
end
return false
