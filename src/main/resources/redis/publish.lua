-- Appends the publishes of one batch (one replica's event-loop turn), each notification to each of
-- its channels, and fans each out. The script runs alone, so a publish lands on all its channels
-- with no other publish in between; one publish that fails fails alone (pcall), not its batch.
-- KEYS: per channel of every publish, in order, 3 keys: offset counter, epoch, stream.
-- ARGV: ttl_ms, max_len, time (ISO-8601), the same time as epoch seconds and nanoseconds, fanout
--       prefix, a fresh epoch for any channel that has none (history lost or new), then per publish:
--       id, event ('' for none), data (raw JSON), channel count n, then the n channel names.
-- The fan-out message is the text FanoutMessage.java reads: epoch, offset, id, seconds, nanoseconds
-- and the event's length in bytes on a line each, then the event and the data.
-- Returns per publish: {1, epoch, offset, epoch, offset, ...} (per channel), or {0, error message}.
local ttl, max_len, time, prefix, fresh_epoch = ARGV[1], ARGV[2], ARGV[3], ARGV[6], ARGV[7]
local time_header = ARGV[4] .. '\n' .. ARGV[5] .. '\n'

local function append(id, event, data, channels, first_key, first_arg)
  local out = { 1 }
  for i = 0, channels - 1 do
    local k = first_key + 3 * i
    local seq_key, epoch_key, stream_key = KEYS[k], KEYS[k + 1], KEYS[k + 2]
    local channel = ARGV[first_arg + i]
    local epoch = redis.call('GET', epoch_key)
    if not epoch then
      -- no epoch: the channel is new or Redis lost it; whatever is left of it belongs to no epoch.
      -- Channels new in the same batch share the fresh epoch: an epoch tells apart the lives of one
      -- channel, never two channels.
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
      epoch .. '\n' .. offset .. '\n' .. id .. '\n' .. time_header .. #event .. '\n' .. event .. data)
    out[#out + 1] = epoch
    out[#out + 1] = offset
  end
  return out
end

local replies = {}
local key, arg = 1, 8
while arg <= #ARGV do
  local channels = tonumber(ARGV[arg + 3])
  local ok, reply = pcall(append, ARGV[arg], ARGV[arg + 1], ARGV[arg + 2], channels, key, arg + 4)
  if not ok then
    reply = { 0, type(reply) == 'table' and reply.err or tostring(reply) }
  end
  replies[#replies + 1] = reply
  key, arg = key + 3 * channels, arg + 4 + channels
end
return replies
