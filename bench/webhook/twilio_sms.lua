-- wrk script: POST /webhooks/twilio/sms with pre-signed form bodies
-- (bench/webhook/make_requests.py writes them: "<signature>\t<body>" a line).
--
-- Environment (read by every wrk thread):
--   WEBHOOK_REQUESTS  the request file (required)
--   WEBHOOK_THREADS   wrk's -t; thread k sends lines k, k+T, k+2T, ...
--   WEBHOOK_MODE      cycle: send the lines round and round for wrk's -d
--                     (a wrap is counted: it repeats MessageSids);
--                     once: send each line exactly once, then the thread idles
--                     and, when its last answer is in, writes
--                     WEBHOOK_DONE.<thread> and stops; scripts/bench then
--                     interrupts wrk (SIGINT), which prints the results.
--   WEBHOOK_DONE      prefix of the done files (once mode)
--   WEBHOOK_RESULT    done() writes its JSON summary there (and prints it)
--
-- delay() is defined in both modes (0 ms while there is work), so the node
-- and the bare server are driven by the same wrk code path.

local path = "/webhooks/twilio/sms"
local mode = os.getenv("WEBHOOK_MODE") or "cycle"
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local reqs = {}
local n = 0
local sent = 0
local reserved = 0  -- once mode: requests promised to a connection by delay()
local answered = 0
local finished = false

function init(args)
  local file = os.getenv("WEBHOOK_REQUESTS")
  local total_threads = tonumber(os.getenv("WEBHOOK_THREADS") or "1")
  assert(file, "WEBHOOK_REQUESTS is not set")
  local f = assert(io.open(file, "r"))
  local i = 0
  for line in f:lines() do
    if i % total_threads == id then
      local tab = line:find("\t", 1, true)
      assert(tab, "malformed request line " .. (i + 1))
      local headers = {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = line:sub(1, tab - 1),
      }
      n = n + 1
      reqs[n] = wrk.format("POST", path, headers, line:sub(tab + 1))
    end
    i = i + 1
  end
  f:close()
  -- Counters done() reads back through thread:get.
  wraps = 0
  replies = 0       -- 200 with a <Message>
  empty = 0         -- 200 without one (muted, opted out, or no reply)
  bad = 0           -- any other status
  if mode == "once" and n == 0 then
    finish()
  end
end

function finish()
  if finished then
    return
  end
  finished = true
  local prefix = os.getenv("WEBHOOK_DONE")
  if prefix then
    local f = io.open(prefix .. "." .. id, "w")
    if f then
      f:write(answered, "\n")
      f:close()
    end
  end
  wrk.thread:stop()
end

-- wrk asks delay() before every request() of a connection, and other
-- connections may be asked in between: a request is reserved here, so two
-- connections never both take the last one.
function delay()
  if mode == "once" then
    if reserved >= n then
      return 3600000  -- nothing left for this connection: idle until stopped
    end
    reserved = reserved + 1
  end
  return 0
end

function request()
  if sent >= n and mode ~= "once" then
    sent = 0
    wraps = wraps + 1
  end
  sent = sent + 1
  return reqs[((sent - 1) % n) + 1]
end

function response(status, headers, body)
  answered = answered + 1
  if status == 200 then
    if body:find("<Message>", 1, true) then
      replies = replies + 1
    else
      empty = empty + 1
    end
  else
    bad = bad + 1
  end
  if mode == "once" and answered >= n then
    finish()
  end
end

function done(summary, latency, requests)
  local sum = { wraps = 0, replies = 0, empty = 0, bad = 0 }
  for _, t in ipairs(threads) do
    for k, _ in pairs(sum) do
      sum[k] = sum[k] + (t:get(k) or 0)
    end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local json = string.format(
    '{"requests":%d,"duration_s":%.3f,"requests_per_s":%.1f,' ..
    '"latency_ms":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f,"mean":%.3f},' ..
    '"replies":%d,"empty_replies":%d,"non_200":%d,"wraps":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    sum.replies, sum.empty, sum.bad, sum.wraps,
    e.connect, e.read, e.write, e.status, e.timeout)
  io.write("JSON: ", json, "\n")
  local out = os.getenv("WEBHOOK_RESULT")
  if out then
    local f = assert(io.open(out, "w"))
    f:write(json, "\n")
    f:close()
  end
end
