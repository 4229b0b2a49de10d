-- POST <BENCH_PREFIX><session id>/participants, a new person each time (benchmark 1, write).
-- BENCH_SESSIONS: comma-separated request ids, used in turn; BENCH_RUN and the thread number make the
-- names unique across threads and runs (the platform refuses the same person twice in a request: 409).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local sessions, counter = {}, 0
local prefix = os.getenv("BENCH_PREFIX")
local run = os.getenv("BENCH_RUN")
local title = os.getenv("BENCH_TITLE")
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"), ["Content-Type"] = "application/json"}
for id in string.gmatch(os.getenv("BENCH_SESSIONS"), "[^,]+") do
  table.insert(sessions, id)
end

function request()
  counter = counter + 1
  local session = sessions[(counter % #sessions) + 1]
  local body = string.format('{"title":"%s","first_name":"Marc%sx%sx%d","last_name":"Tremblay",' ..
    '"birth_date":"1985-04-12","phone":"(514) 555-0199","phone_ext":"12"}', title, run, tid or 0, counter)
  return wrk.format("POST", prefix .. session .. "/participants", headers, body)
end

dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
