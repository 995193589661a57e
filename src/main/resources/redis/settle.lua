-- Ends a first publish's claim of an Idempotency-Key: stores its result (for ttl_ms), or releases the
-- claim when nothing was published, but only while the claim is still this publish's own. A claim that
-- expired may have been taken by a retry since, whose record this one must not overwrite or delete.
-- KEYS: the key's record, the index. ARGV: the claim's value, the result ('' to release), ttl_ms.
-- Returns: 1 when the claim was still held, 0 otherwise.
local record, index = KEYS[1], KEYS[2]
local claim, result, ttl = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', record) ~= claim then
  return 0
end
if result == '' then
  redis.call('DEL', record)
  redis.call('ZREM', index, record)
else
  redis.call('SET', record, result, 'PX', ttl)
end
return 1
