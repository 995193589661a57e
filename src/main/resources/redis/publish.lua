-- Appends one notification to each channel of a publish, atomically (the script runs alone), and
-- fans each out. Per channel, KEYS holds 3 keys: offset counter, epoch, stream.
-- ARGV: ttl_ms, max_len, id, event ('' for none), data (raw JSON), time (ISO-8601), fanout prefix,
--       then per channel: its name and a fresh epoch to use if the channel has none (history lost or new).
-- Returns per channel: epoch, offset.
local ttl, max_len, id, event, data, time, prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local out = {}
for i = 1, #KEYS / 3 do
  local seq_key, epoch_key, stream_key = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local channel, fresh_epoch = ARGV[6 + 2 * i], ARGV[7 + 2 * i]
  local epoch = redis.call('GET', epoch_key)
  if not epoch then
    -- no epoch: the channel is new or Redis lost it; whatever is left of it belongs to no epoch
    epoch = fresh_epoch
    redis.call('DEL', seq_key, stream_key)
    redis.call('SET', epoch_key, epoch)
  end
  local offset = redis.call('INCR', seq_key)
  redis.call('XADD', stream_key, 'MAXLEN', max_len, offset .. '-0', 'i', id, 'v', event, 'd', data, 't', time)
  redis.call('PEXPIRE', seq_key, ttl)
  redis.call('PEXPIRE', epoch_key, ttl)
  redis.call('PEXPIRE', stream_key, ttl)
  redis.call('PUBLISH', prefix .. channel,
    cjson.encode({ c = channel, e = epoch, o = offset, i = id, v = event, d = data, t = time }))
  out[#out + 1] = epoch
  out[#out + 1] = offset
end
return out
