-- Reads a channel's position and what a client at (since_epoch, since_offset) has not seen, in one
-- atomic step; writes nothing. KEYS: offset counter, epoch, stream. ARGV: since_epoch ('' = from now),
-- since_offset, limit, the epoch of a channel with no history (StreamPosition.EMPTY).
-- Returns: epoch, latest offset, oldest retained offset, then per entry: offset, id, event, data, time,
-- expiry in epoch milliseconds ('' for none).
local seq_key, epoch_key, stream_key = KEYS[1], KEYS[2], KEYS[3]
local since_epoch, since_offset, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local epoch = redis.call('GET', epoch_key)
if not epoch then
  -- no history (or what is left of one Redis lost the epoch of, which belongs to no epoch): a reader
  -- creates nothing, so that reading any number of names costs Redis no memory
  return { ARGV[4], 0, 1 }
end
local latest = tonumber(redis.call('GET', seq_key) or '0')
-- publish.lua continues a lost counter (evicted, say) after the stream's newest entry: so does the position
local newest = redis.call('XREVRANGE', stream_key, '+', '-', 'COUNT', 1)
if #newest > 0 then
  latest = math.max(latest, tonumber(string.match(newest[1][1], '^(%d+)')))
end
local first = redis.call('XRANGE', stream_key, '-', '+', 'COUNT', 1)
local oldest = latest + 1
if #first > 0 then
  oldest = tonumber(string.match(first[1][1], '^(%d+)'))
end
local out = { epoch, latest, oldest }
if since_epoch == '' then
  return out
end
local start = oldest
if since_epoch == epoch and since_offset <= latest and since_offset + 1 > oldest then
  start = since_offset + 1
end
local entries = redis.call('XRANGE', stream_key, start .. '-0', '+', 'COUNT', limit)
for _, entry in ipairs(entries) do
  local fields = {}
  for j = 1, #entry[2], 2 do
    fields[entry[2][j]] = entry[2][j + 1]
  end
  out[#out + 1] = tonumber(string.match(entry[1], '^(%d+)'))
  out[#out + 1] = fields['i']
  out[#out + 1] = fields['v']
  out[#out + 1] = fields['d']
  out[#out + 1] = fields['t']
  out[#out + 1] = fields['x'] or ''
end
return out
