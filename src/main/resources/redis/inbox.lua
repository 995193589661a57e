#!lua
-- Users' inboxes: every state change and its counts in one atomic step. The shebang makes Redis 7
-- refuse a call it could not finish (out of memory, read-only), so no change is ever half made.
-- KEYS, nine per user (one hash slot, the user's): items (hash id -> body), flags (hash id -> bits:
--   1 delivered, 2 read, 4 archived; no field: 0), order (zset id -> arrival), unread, active (not archived), read
--   (read, not archived), archived (zsets id -> arrival), expires (zset id -> expiry in epoch ms), seq
--   (counter). Only store takes several users; every other op one.
-- ARGV: op, now (epoch ms, the relay's clock), then per op:
--   store: id, expires, body, max_items            -> per user: 1 stored, 0 held already or expired
--   expire:                                         -> 0 (only drops expired items; takes several users)
--   list: filter (unread|read|archived|all), limit, before ('' for the newest)
--                                                   -> unread, total, next ('' none) and per item: id, flags, body;
--                                                      or {-1} when before is not held
--   counts:                                         -> unread, total
--   update: id, read ('' keep, 0, 1), archived      -> unread, total, id, flags, body; or {-1} when not held
--   mark: bit (2 read, 4 archived), value (0, 1), then the ids, or none for all
--                                                   -> unread, total, then per changed item: id, flags, body
--   delete: id                                      -> unread, total; or {-1} when not held
--   delivered: the ids                              -> 0 (sets the delivered flag; no count changes)
--   retell:                                         -> 0 (publishes the counts as a change with no items)
-- Every op first drops the items whose expiry has come; every key expires with the last item (a
-- store lets them live up to an hour longer, so that it renews their expiry once an hour, not each time).
-- Every change is published on relay:inbox-changes, in the same atomic step, so every replica learns
-- the changes of one inbox in the order they were made: {"user","change":"added|updated|removed",
-- "items":[[id, flags, body]...] or "ids":[...],"counts":[unread, total]}; a store publishes one
-- message for all its users: {"change":"added","items":[[id, 0, body]],"users":[[user, unread,
-- total, [ids pushed out]?]...]}.
local items, flags, order, unread, active, read, archived, expires, seq, user
local op, now = ARGV[1], tonumber(ARGV[2])
local DELIVERED, READ, ARCHIVED = 1, 2, 4
local CHANGES = 'relay:inbox-changes'
local RENEWAL_SLACK_MS = 3600000

-- Makes the n-th user's keys (from 0) those the functions below work on.
local function select(n)
  items, flags, order, unread, active, read, archived, expires, seq =
    KEYS[n * 9 + 1], KEYS[n * 9 + 2], KEYS[n * 9 + 3], KEYS[n * 9 + 4], KEYS[n * 9 + 5], KEYS[n * 9 + 6],
    KEYS[n * 9 + 7], KEYS[n * 9 + 8], KEYS[n * 9 + 9]
  user = string.sub(items, #'relay:inbox:{' + 1, -#'}:items' - 1)
end

local function remove(id)
  redis.call('HDEL', items, id)
  redis.call('HDEL', flags, id)
  for _, key in ipairs({ order, unread, active, read, archived, expires }) do
    redis.call('ZREM', key, id)
  end
end

-- Puts the item in the sets its flags call for, and only those.
local function place(id, bits)
  local arrival = redis.call('ZSCORE', order, id)
  local is_read, is_archived = bit.band(bits, READ) ~= 0, bit.band(bits, ARCHIVED) ~= 0
  local wanted = { [unread] = not is_read and not is_archived, [active] = not is_archived,
                   [read] = is_read and not is_archived, [archived] = is_archived }
  for _, key in ipairs({ unread, active, read, archived }) do
    if wanted[key] then
      redis.call('ZADD', key, arrival, id)
    else
      redis.call('ZREM', key, id)
    end
  end
  redis.call('HSET', flags, id, bits)
end

-- The item's flags, or nil when the inbox does not hold it.
local function flags_of(id)
  local bits = redis.call('HGET', flags, id)
  if bits then
    return tonumber(bits)
  end
  return redis.call('HEXISTS', items, id) == 1 and 0 or nil
end

local function counts()
  return { redis.call('ZCARD', unread), redis.call('ZCARD', active) }
end

-- Every key lives as long as the last item; an empty inbox leaves no key behind.
local function keep_alive()
  local last = redis.call('ZRANGE', expires, -1, -1, 'WITHSCORES')
  if #last == 0 then
    redis.call('DEL', items, flags, order, unread, active, read, archived, expires, seq)
    return
  end
  local ttl = math.max(1, tonumber(last[2]) - now)
  for _, key in ipairs({ items, flags, order, unread, active, read, archived, expires, seq }) do
    redis.call('PEXPIRE', key, ttl)
  end
end

local function item(out, id)
  out[#out + 1] = id
  out[#out + 1] = tonumber(redis.call('HGET', flags, id)) or 0
  out[#out + 1] = redis.call('HGET', items, id)
end

-- Tells every replica of a change: field is 'items' (a list of ids, sent as id, flags, body) or 'ids'.
local function tell(change, field, ids)
  local listed = ids
  if field == 'items' then
    listed = {}
    for i, id in ipairs(ids) do
      local out = {}
      item(out, id)
      listed[i] = out
    end
  end
  redis.call('PUBLISH', CHANGES, cjson.encode({ user = user, change = change, [field] = listed, counts = counts() }))
end

local function drop_expired()
  local expired = redis.call('ZRANGEBYSCORE', expires, '-inf', now)
  for _, id in ipairs(expired) do
    remove(id)
  end
  if #expired > 0 then
    tell('removed', 'ids', expired)
  end
end

-- A new item in the selected inbox: what it is added to follows from place(id, 0), written out for
-- the hot path. Returns the ids pushed out by it, or nil when it was not stored.
local function store(id, expiry, body, max_items)
  drop_expired()
  if expiry <= now or redis.call('HSETNX', items, id, body) == 0 then
    return nil
  end
  local arrival = redis.call('INCR', seq)
  redis.call('ZADD', order, arrival, id)
  redis.call('ZADD', expires, expiry, id)
  redis.call('ZADD', unread, arrival, id)
  redis.call('ZADD', active, arrival, id)
  local pushed_out = {}
  while redis.call('ZCARD', order) > max_items do
    local oldest = redis.call('ZRANGE', order, 0, 0)[1]
    remove(oldest)
    pushed_out[#pushed_out + 1] = oldest
  end
  if redis.call('PTTL', items) < expiry - now then
    for _, key in ipairs({ items, flags, order, unread, active, read, archived, expires, seq }) do
      redis.call('PEXPIRE', key, expiry - now + RENEWAL_SLACK_MS)
    end
  end
  return pushed_out
end

if op == 'store' then
  local id, expiry, body, max_items = ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
  local stored, told = {}, {}
  for n = 0, #KEYS / 9 - 1 do
    select(n)
    local pushed_out = store(id, expiry, body, max_items)
    stored[n + 1] = pushed_out and 1 or 0
    if pushed_out then
      local c = counts()
      told[#told + 1] = #pushed_out > 0 and { user, c[1], c[2], pushed_out } or { user, c[1], c[2] }
    end
  end
  if #told > 0 then
    redis.call('PUBLISH', CHANGES, cjson.encode({ change = 'added', items = { { id, 0, body } }, users = told }))
  end
  return stored
end

if op == 'expire' then
  for n = 0, #KEYS / 9 - 1 do
    select(n)
    drop_expired()
  end
  return 0
end

select(0)
drop_expired()

if op == 'list' then
  local sets = { unread = unread, read = read, archived = archived, all = active }
  local set, limit, before = sets[ARGV[3]], tonumber(ARGV[4]), ARGV[5]
  local top = '+inf'
  if before ~= '' then
    local arrival = redis.call('ZSCORE', order, before)
    if not arrival then
      return { -1 }
    end
    top = '(' .. arrival
  end
  local ids = redis.call('ZREVRANGEBYSCORE', set, top, '-inf', 'LIMIT', 0, limit + 1)
  local out = counts()
  out[3] = #ids > limit and ids[limit] or ''
  for i = 1, math.min(#ids, limit) do
    item(out, ids[i])
  end
  return out
end

if op == 'counts' then
  return counts()
end

if op == 'update' then
  local id = ARGV[3]
  local bits = flags_of(id)
  if not bits then
    return { -1 }
  end
  for i, mask in ipairs({ READ, ARCHIVED }) do
    local value = ARGV[3 + i]
    if value == '1' then
      bits = bit.bor(bits, mask)
    elseif value == '0' then
      bits = bit.band(bits, bit.bnot(mask))
    end
  end
  place(id, bits)
  keep_alive()
  tell('updated', 'items', { id })
  local out = counts()
  item(out, id)
  return out
end

if op == 'mark' then
  local mask, value = tonumber(ARGV[3]), ARGV[4] == '1'
  local ids = {}
  if #ARGV > 4 then
    for i = 5, #ARGV do
      ids[#ids + 1] = ARGV[i]
    end
  else
    ids = redis.call('ZRANGE', order, 0, -1)
  end
  local changed = {}
  for _, id in ipairs(ids) do
    local bits = flags_of(id)
    if bits then
      local marked = value and bit.bor(bits, mask) or bit.band(bits, bit.bnot(mask))
      if marked ~= bits then
        place(id, marked)
        changed[#changed + 1] = id
      end
    end
  end
  if #changed > 0 then
    keep_alive()
    tell('updated', 'items', changed)
  end
  local out = counts()
  for _, id in ipairs(changed) do
    item(out, id)
  end
  return out
end

if op == 'delete' then
  local id = ARGV[3]
  if redis.call('HEXISTS', items, id) == 0 then
    return { -1 }
  end
  remove(id)
  tell('removed', 'ids', { id })
  keep_alive()
  return counts()
end

if op == 'retell' then
  tell('updated', 'items', {})
  return 0
end

if op == 'delivered' then
  for i = 3, #ARGV do
    local bits = flags_of(ARGV[i])
    if bits then
      redis.call('HSET', flags, ARGV[i], bit.bor(bits, DELIVERED))
    end
  end
  return 0
end

return redis.error_reply('ERR inbox.lua: unknown op ' .. tostring(op))
