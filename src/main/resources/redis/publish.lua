#!lua
-- The shebang (no flags) makes Redis 7 refuse the whole call before it starts, writing nothing, when
-- Redis is out of memory, a read-only replica or unable to persist: no write can then fail halfway.
-- Appends the publishes of one batch (one replica's event-loop turn), each notification to each of
-- its channels, and fans each out. The script runs alone, so a publish lands on all its channels
-- with no other publish in between. Redis does not roll a script back, so each publish is checked
-- on every channel before anything of it is written: one that would fail fails alone, with nothing
-- stored or fanned out on any of its channels, and the others of the batch land.
-- KEYS: per channel of every publish, in order, 3 keys: offset counter, epoch, stream.
-- ARGV: ttl_ms, max_len, time (ISO-8601), the same time as epoch seconds and nanoseconds, fanout
--       prefix, a fresh epoch for any channel that has none (history lost or new), then per publish:
--       id, event ('' for none), data (raw JSON), expiry in epoch milliseconds ('' for none), channel
--       count n, then the n channel names.
-- The fan-out message is the text FanoutMessage.java reads: epoch, offset, id, seconds, nanoseconds
-- (followed by a space and the expiry when there is one) and the event's length in bytes on a line
-- each, then the event and the data.
-- Returns per publish: {1, epoch, offset, epoch, offset, ...} (per channel), or {0, error message}.
local ttl, max_len, time, prefix, fresh_epoch = ARGV[1], ARGV[2], ARGV[3], ARGV[6], ARGV[7]
-- seconds and nanoseconds on their lines, without the newline that ends the second (an expiry may follow)
local time_header = ARGV[4] .. '\n' .. ARGV[5]

-- At most 14 digits, so that the number is exact in Lua and prints without an exponent.
local function positive_integer(value)
  return value ~= nil and string.match(value, '^[1-9]%d*$') ~= nil and #value <= 14
end

if not (positive_integer(ttl) and positive_integer(max_len)) then
  return redis.error_reply('ERR publish.lua: ttl and max_len must be positive integers')
end

-- The batch's layout is checked whole before anything is written: a malformed one fails every publish.
local publishes = {}
local key, arg = 1, 8
while arg <= #ARGV do
  local channels = ARGV[arg + 4]
  if not positive_integer(channels) then
    return redis.error_reply('ERR publish.lua: bad channel count at argument ' .. (arg + 4))
  end
  if ARGV[arg + 3] ~= '' and not positive_integer(ARGV[arg + 3]) then
    return redis.error_reply('ERR publish.lua: bad expiry at argument ' .. (arg + 3))
  end
  channels = tonumber(channels)
  if key + 3 * channels - 1 > #KEYS or arg + 4 + channels > #ARGV then
    return redis.error_reply('ERR publish.lua: the batch names fewer keys or channels than it counts')
  end
  publishes[#publishes + 1] = { key = key, arg = arg, channels = channels }
  key, arg = key + 3 * channels, arg + 5 + channels
end
if key ~= #KEYS + 1 then
  return redis.error_reply('ERR publish.lua: the batch names more keys than its publishes use')
end

local function failed(reply)
  return type(reply) == 'table' and reply.err ~= nil
end

local function wrong_type(key_name)
  return 'WRONGTYPE ' .. key_name .. ' holds a key of another type than Relay keeps there; nothing was published'
end

-- Where a publish goes on one channel, read without writing: {epoch, offset, fresh}, or nil and why not.
-- The offset follows both the counter and the stream's newest entry, so a lost counter (evicted, say)
-- continues its epoch after the last offset given instead of giving that offset again.
local function plan(seq_key, epoch_key, stream_key)
  local epoch = redis.pcall('GET', epoch_key)
  if failed(epoch) then
    return nil, wrong_type(epoch_key)
  end
  local seq = redis.pcall('GET', seq_key)
  if failed(seq) then
    return nil, wrong_type(seq_key)
  end
  local counter = seq and (seq == '0' or positive_integer(seq)) and tonumber(seq)
  if epoch and seq and not counter then
    return nil, 'ERR ' .. seq_key .. ' holds no offset; nothing was published'
  end
  local next_offset = (counter or 0) + 1
  -- the common case costs one lookup that finds nothing: no entry at or after the next offset
  local later = redis.pcall('XRANGE', stream_key, string.format('%d-0', next_offset), '+', 'COUNT', 1)
  if failed(later) then
    return nil, wrong_type(stream_key)
  end
  if not epoch then
    -- no epoch: the channel is new or Redis lost it; whatever is left of it belongs to no epoch.
    -- Channels new in the same batch share the fresh epoch: an epoch tells apart the lives of one
    -- channel, never two channels.
    return { fresh_epoch, 1, true }
  end
  if #later > 0 then
    local newest = redis.call('XREVRANGE', stream_key, '+', '-', 'COUNT', 1)
    next_offset = tonumber(string.match(newest[1][1], '^(%d+)')) + 1
  end
  return { epoch, next_offset, false }
end

local function append(id, event, data, expires_at, first_key, first_arg, channels)
  local plans = {}
  for i = 0, channels - 1 do
    local k = first_key + 3 * i
    local where, why = plan(KEYS[k], KEYS[k + 1], KEYS[k + 2])
    if not where then
      return { 0, why }
    end
    plans[i] = where
  end
  local out = { 1 }
  local header = time_header .. (expires_at == '' and '' or ' ' .. expires_at) .. '\n'
  for i = 0, channels - 1 do
    local k = first_key + 3 * i
    local seq_key, epoch_key, stream_key = KEYS[k], KEYS[k + 1], KEYS[k + 2]
    local epoch, offset, fresh = plans[i][1], plans[i][2], plans[i][3]
    local offset_text = string.format('%d', offset)
    if fresh then
      redis.call('DEL', seq_key, stream_key)
      redis.call('SET', epoch_key, epoch, 'PX', ttl)
    else
      redis.call('PEXPIRE', epoch_key, ttl)
    end
    redis.call('SET', seq_key, offset_text, 'PX', ttl)
    if expires_at == '' then
      redis.call('XADD', stream_key, 'MAXLEN', max_len, offset_text .. '-0', 'i', id, 'v', event, 'd', data, 't', time)
    else
      redis.call('XADD', stream_key, 'MAXLEN', max_len, offset_text .. '-0', 'i', id, 'v', event, 'd', data, 't', time,
        'x', expires_at)
    end
    redis.call('PEXPIRE', stream_key, ttl)
    redis.call('PUBLISH', prefix .. ARGV[first_arg + i],
      epoch .. '\n' .. offset_text .. '\n' .. id .. '\n' .. header .. #event .. '\n' .. event .. data)
    out[#out + 1] = epoch
    out[#out + 1] = offset
  end
  return out
end

local replies = {}
for _, p in ipairs(publishes) do
  -- After the checks no write is expected to fail; pcall still keeps an unforeseen error to its own
  -- publish, instead of failing the publishes of the batch already stored.
  local ok, reply = pcall(append, ARGV[p.arg], ARGV[p.arg + 1], ARGV[p.arg + 2], ARGV[p.arg + 3], p.key, p.arg + 5,
    p.channels)
  if not ok then
    reply = { 0, type(reply) == 'table' and reply.err or tostring(reply) }
  end
  replies[#replies + 1] = reply
end
return replies
